using Meridian.Core.Tests.Infrastructure;
using Meridian.Config;
using Meridian.Config.Listening;
using Meridian.Auth;

namespace Meridian.Core.Tests.Config;

public sealed class ConfigListenersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_stale_md5_is_answered_at_once_with_the_current_one()
    {
        await using var f = await CoreHost.StartAsync();
        var item = await f.PublishAsync("a.txt", "x");

        var changed = await f.Listeners.WaitAsync([new(CoreHost.Config("a.txt"), ""), new(CoreHost.Config("b.txt"), "")], Hold, "c1", "1.2.3.4:5", Caller.System, Ct);

        Assert.Equal([new ListenedConfig(CoreHost.Config("a.txt"), item.Md5)], changed);
        Assert.Empty(f.Listeners.ListenersOf(CoreHost.Config("a.txt"), Caller.System));
    }

    [Fact]
    public async Task A_held_listener_is_answered_when_its_config_is_published()
    {
        await using var f = await CoreHost.StartAsync();
        var v1 = await f.PublishAsync("a.txt", "one");
        var held = f.Listeners.Held.WaitAsync(_ => true, Ct);
        var poll = f.Listeners.WaitAsync([new(CoreHost.Config("a.txt"), v1.Md5)], Hold, "c1", "1.2.3.4:5", Caller.System, Ct);
        var listener = await held;

        var info = Assert.Single(f.Listeners.ListenersOf(CoreHost.Config("a.txt"), Caller.System));
        Assert.Equal(("c1", "1.2.3.4:5", v1.Md5, f.Time.GetUtcNow()), (info.ClientId, info.Address, info.Md5, info.Since));
        Assert.Equal("c1", listener.ClientId);
        Assert.False(poll.IsCompleted);

        var v2 = await f.PublishAsync("a.txt", "two");

        Assert.Equal([new ListenedConfig(CoreHost.Config("a.txt"), v2.Md5)], await poll);
        Assert.Empty(f.Listeners.ListenersOf(CoreHost.Config("a.txt"), Caller.System));
    }

    [Fact]
    public async Task A_listener_of_a_missing_config_is_answered_when_it_is_created_and_one_of_a_deleted_config_with_an_empty_md5()
    {
        await using var f = await CoreHost.StartAsync();
        var held = f.Listeners.Held.WaitAsync(_ => true, Ct);
        var poll = f.Listeners.WaitAsync([new(CoreHost.Config("new.txt"), "")], Hold, "c1", "a", Caller.System, Ct);
        await held;
        var created = await f.PublishAsync("new.txt", "x");
        Assert.Equal(created.Md5, Assert.Single(await poll).Md5);

        held = f.Listeners.Held.WaitAsync(_ => true, Ct);
        poll = f.Listeners.WaitAsync([new(CoreHost.Config("new.txt"), created.Md5)], Hold, "c1", "a", Caller.System, Ct);
        await held;
        await f.ConfigCommands.DeleteAsync(CoreHost.Config("new.txt"), CoreHost.Alice, Ct);
        Assert.Equal("", Assert.Single(await poll).Md5);
    }

    [Fact]
    public async Task A_change_of_another_config_does_not_answer()
    {
        await using var f = await CoreHost.StartAsync();
        var a = await f.PublishAsync("a.txt", "a");
        var held = f.Listeners.Held.WaitAsync(_ => true, Ct);
        var poll = f.Listeners.WaitAsync([new(CoreHost.Config("a.txt"), a.Md5)], Hold, "c1", "a", Caller.System, Ct);
        await held;

        await f.PublishAsync("b.txt", "b");
        Assert.False(poll.IsCompleted);

        f.Time.Advance(Hold);
        Assert.Empty(await poll);
    }

    [Fact]
    public async Task Nothing_changing_answers_empty_when_the_hold_time_passes()
    {
        await using var f = await CoreHost.StartAsync();
        var held = f.Listeners.Held.WaitAsync(_ => true, Ct);
        var poll = f.Listeners.WaitAsync([new(CoreHost.Config("a.txt"), "")], TimeSpan.FromSeconds(10), "c1", "a", Caller.System, Ct);
        await held;

        f.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(poll.IsCompleted);
        f.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await poll);
        Assert.Empty(f.Listeners.ListenersOf(CoreHost.Config("a.txt"), Caller.System));
    }

    [Fact]
    public async Task A_cancelled_poll_throws_and_unregisters()
    {
        await using var f = await CoreHost.StartAsync();
        using var cts = new CancellationTokenSource();
        var held = f.Listeners.Held.WaitAsync(_ => true, Ct);
        var poll = f.Listeners.WaitAsync([new(CoreHost.Config("a.txt"), "")], Hold, "c1", "a", Caller.System, cts.Token);
        await held;

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
        Assert.Empty(f.Listeners.ListenersOf(CoreHost.Config("a.txt"), Caller.System));
    }

    [Fact]
    public async Task Release_answers_held_listeners_and_later_ones_at_once()
    {
        await using var f = await CoreHost.StartAsync();
        var held = f.Listeners.Held.WaitAsync(_ => true, Ct);
        var poll = f.Listeners.WaitAsync([new(CoreHost.Config("a.txt"), "")], Hold, "c1", "a", Caller.System, Ct);
        await held;

        f.Listeners.ReleaseAll();

        Assert.Empty(await poll);
        Assert.True(f.Listeners.WaitAsync([new(CoreHost.Config("a.txt"), "")], Hold, "c2", "a", Caller.System, Ct).IsCompleted);
    }

    [Theory]
    [InlineData(null, 30_000)]
    [InlineData(10, 1_000)]
    [InlineData(45_000, 45_000)]
    [InlineData(600_000, 120_000)]
    public async Task Requested_hold_times_are_clamped(int? requestedMs, int expectedMs)
    {
        await using var f = await CoreHost.StartAsync();
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), f.Listeners.HoldFor(requestedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null));
    }

    [Fact]
    public async Task Many_listeners_of_one_key_are_all_answered_by_one_publish()
    {
        await using var f = await CoreHost.StartAsync();
        var v1 = await f.PublishAsync("a.txt", "one");
        var count = 0;
        var allHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = f.Listeners.Held.Subscribe(_ =>
        {
            if (Interlocked.Increment(ref count) == 500)
            {
                allHeld.TrySetResult();
            }
        });
        var polls = Enumerable.Range(0, 500)
            .Select(i => f.Listeners.WaitAsync([new(CoreHost.Config("a.txt"), v1.Md5)], Hold, $"c{i}", "a", Caller.System, Ct))
            .ToList();
        await allHeld.Task.WaitAsync(Ct);
        Assert.Equal(500, f.Listeners.ListenersOf(CoreHost.Config("a.txt"), Caller.System).Count);

        await f.PublishAsync("a.txt", "two");

        var answers = await Task.WhenAll(polls);
        Assert.All(answers, a => Assert.Single(a));
        Assert.Empty(f.Listeners.ListenersOf(CoreHost.Config("a.txt"), Caller.System));
    }
}
