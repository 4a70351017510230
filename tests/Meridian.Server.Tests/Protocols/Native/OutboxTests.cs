using Meridian.Protocols.Native;

namespace Meridian.Server.Tests.Protocols.Native;

public sealed class OutboxTests
{
    private static readonly PushTopic A = new(PushKind.Service, "public", "g", "a");
    private static readonly PushTopic B = new(PushKind.Service, "public", "g", "b");

    private static PushFrame Frame(long revision) => new([], revision);

    [Fact]
    public async Task A_slow_reader_gets_only_the_latest_push_per_service_in_first_pending_order()
    {
        var outbox = new Outbox(16);
        var a3 = Frame(3);
        outbox.EnqueuePush(A, Frame(1));
        outbox.EnqueuePush(B, Frame(2));
        outbox.EnqueuePush(A, a3);

        Assert.Equal(2, outbox.PendingPushes);
        Assert.Same(a3, await outbox.DequeueAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, (await outbox.DequeueAsync(TestContext.Current.CancellationToken)).Revision);
    }

    [Fact]
    public async Task An_older_push_never_replaces_a_newer_pending_one()
    {
        var outbox = new Outbox(16);
        outbox.EnqueuePush(A, Frame(5));
        outbox.EnqueuePush(A, Frame(4));
        Assert.Equal(5, (await outbox.DequeueAsync(TestContext.Current.CancellationToken)).Revision);
    }

    [Fact]
    public async Task Replies_go_out_before_pushes()
    {
        var outbox = new Outbox(16);
        outbox.EnqueuePush(A, Frame(1));
        var reply = Frame(0);
        Assert.True(outbox.TryEnqueueReply(reply));
        Assert.Same(reply, await outbox.DequeueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Replies_beyond_the_bound_are_refused()
    {
        var outbox = new Outbox(2);
        Assert.True(outbox.TryEnqueueReply(Frame(0)));
        Assert.True(outbox.TryEnqueueReply(Frame(0)));
        Assert.False(outbox.TryEnqueueReply(Frame(0)));
    }

    [Fact]
    public async Task A_waiting_reader_wakes_on_the_next_push()
    {
        var outbox = new Outbox(16);
        var next = outbox.DequeueAsync(TestContext.Current.CancellationToken).AsTask();
        Assert.False(next.IsCompleted);
        outbox.EnqueuePush(B, Frame(7));
        Assert.Equal(7, (await next.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Revision);
    }
}
