using Meridian.Changes;

namespace Meridian.Core.Tests.Changes;

public sealed class ChangeStreamTests
{
    [Fact]
    public void Every_subscriber_receives_the_same_object_and_none_after_unsubscribing()
    {
        var stream = new ChangeStream<object>();
        var seen = new List<object>();
        var first = stream.Subscribe(seen.Add);
        using var second = stream.Subscribe(seen.Add);
        var change = new object();

        stream.Publish(change);
        first.Dispose();
        stream.Publish(new object());

        Assert.Equal(3, seen.Count);
        Assert.Same(seen[0], seen[1]);
        Assert.Same(change, seen[0]);
    }

    [Fact]
    public async Task WaitAsync_completes_with_the_first_matching_change()
    {
        var stream = new ChangeStream<int>();
        var wait = stream.WaitAsync(i => i > 2, TestContext.Current.CancellationToken);
        stream.Publish(1);
        Assert.False(wait.IsCompleted);
        stream.Publish(3);
        Assert.Equal(3, await wait);
    }

    [Fact]
    public async Task WaitAsync_is_cancelled_by_its_token()
    {
        var stream = new ChangeStream<int>();
        using var cts = new CancellationTokenSource();
        var wait = stream.WaitAsync(_ => true, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}
