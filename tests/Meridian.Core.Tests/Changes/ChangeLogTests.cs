using Meridian.Auth;
using Meridian.Changes;
using Meridian.Config;
using Meridian.Core.Tests.Infrastructure;
using Meridian.Naming;
using Meridian.Validation;

namespace Meridian.Core.Tests.Changes;

public sealed class ChangeLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly ServiceKey Svc = CoreHost.Service("svc");

    [Fact]
    public async Task Writes_that_arrive_while_a_commit_is_in_flight_share_the_next_commit()
    {
        await using var core = await CoreHost.StartAsync();
        core.Store.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = core.PublishAsync("first.txt", "1");
        await core.Store.Holding.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var rest = Enumerable.Range(0, 50).Select(i => core.PublishAsync($"c{i}.txt", $"{i}")).ToList();

        // They queue behind the held commit, except one whose key shares a gate stripe with another's (it waits for that
        // one to be applied): wait until the queue stops growing, then release.
        var queued = 0;
        var stable = DateTime.UtcNow;
        while (core.Log.Queued < 50 && DateTime.UtcNow - stable < TimeSpan.FromSeconds(1))
        {
            if (core.Log.Queued != queued)
            {
                (queued, stable) = (core.Log.Queued, DateTime.UtcNow);
            }

            await Task.Yield();
        }

        queued = core.Log.Queued;
        core.Store.Hold.SetResult();
        core.Store.Hold = null;
        await Task.WhenAll(rest.Append(first));

        Assert.Equal(51, core.Store.Batches.Sum());
        Assert.True(queued >= 45, $"only {queued} of 50 writes reached the queue");
        Assert.Equal([1, queued], core.Store.Batches.Take(2));
    }

    [Fact]
    public async Task Revisions_come_from_the_store_and_grow_in_commit_order()
    {
        await using var core = await CoreHost.StartAsync();
        var items = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => core.PublishAsync($"c{i}.txt", $"{i}")));

        var log = core.Store.Log;
        Assert.Equal(log.Select(c => c.Revision), log.Select(c => c.Revision).Order());
        Assert.Equal(log.Count, log.Select(c => c.Revision).Distinct().Count());
        Assert.Equal(items.Select(i => i.Revision).Order(), log.OfType<ConfigSaved>().Select(c => c.Revision));
        Assert.Equal(log[^1].Revision, core.Log.Revision);
    }

    [Fact]
    public async Task Of_two_publishes_racing_on_one_md5_exactly_one_wins()
    {
        await using var core = await CoreHost.StartAsync();
        var v1 = await core.PublishAsync("app.txt", "one");

        var results = await Task.WhenAll(
            Attempt(() => core.PublishAsync("app.txt", "two", expectedMd5: v1.Md5)),
            Attempt(() => core.PublishAsync("app.txt", "three", expectedMd5: v1.Md5)));

        Assert.Equal(1, results.Count(r => r is ConfigItem));
        Assert.IsType<ConflictException>(Assert.Single(results, r => r is Exception));
        Assert.Equal(2, core.Configs.Get(CoreHost.Config("app.txt"))!.Version);
    }

    [Fact]
    public async Task A_change_made_behind_this_node_s_back_is_refused_by_the_store_not_overwritten()
    {
        await using var core = await CoreHost.StartAsync();
        await core.PublishAsync("app.txt", "one");

        // Another node commits a newer version straight to the store: this node's revision is now stale.
        var key = CoreHost.Config("app.txt");
        var elsewhere = ConfigItem.Create(key, "theirs", ConfigType.Text, null, null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 2);
        await core.Store.CommitAsync(
            [new ChangeRequest(new ConfigSaved(elsewhere, new ConfigHistoryEntry(key, 2, ConfigOperation.Publish, elsewhere.Md5, ConfigType.Text, "bob", "", DateTimeOffset.UnixEpoch)))],
            DateTimeOffset.UnixEpoch, Ct);

        var error = await Assert.ThrowsAsync<ConflictException>(() => core.PublishAsync("app.txt", "mine"));
        Assert.Contains("changed by someone else", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_window_gives_what_changed_after_a_revision_or_says_it_no_longer_reaches_back()
    {
        await using var core = await CoreHost.StartAsync(settings: new Dictionary<string, string?> { ["Meridian:ChangeLog:MaxWindowEntries"] = "1000" });
        await core.RegisterAsync(Svc, "10.0.0.1");
        var seen = core.Log.Revision;
        await core.RegisterAsync(Svc, "10.0.0.2");
        await core.RegisterAsync(CoreHost.Service("other"), "10.0.0.3");
        await core.Commands.DeregisterAsync(Svc, "10.0.0.1#80#DEFAULT#DEFAULT_GROUP@@svc", Caller.System, Ct);

        var missed = core.Log.Window.ReadAfter(seen, c => c is InstanceSaved { Key.Name: "svc" } or InstanceRemoved { Key.Name: "svc" }, 100);
        Assert.NotNull(missed);
        Assert.Equal(["saved 10.0.0.2", "removed 10.0.0.1"], missed.Select(c => c switch
        {
            InstanceSaved s => $"saved {s.Instance.Ip}",
            InstanceRemoved r => $"removed {r.Instance.Ip}",
            _ => "?",
        }));

        for (var i = 0; i < 1000; i++)
        {
            await core.PublishAsync($"fill{i}.txt", "x");
        }

        Assert.Null(core.Log.Window.ReadAfter(seen, _ => true, int.MaxValue));
    }

    [Fact]
    public async Task The_window_survives_a_restart_so_watchers_resume_across_it()
    {
        var store = new InMemoryChangeStore();
        long seen;
        await using (var first = await CoreHost.StartAsync(store))
        {
            await first.PublishAsync("a.txt", "1");
            seen = first.Log.Revision;
            await first.PublishAsync("a.txt", "2");
        }

        await using var second = await CoreHost.StartAsync(store);
        var missed = second.Log.Window.ReadAfter(seen, _ => true, 100);
        Assert.Equal("2", Assert.IsType<ConfigSaved>(Assert.Single(missed!)).Item.Content);
    }

    [Fact]
    public async Task A_store_that_cannot_write_fails_the_whole_batch_and_memory_is_untouched()
    {
        await using var core = await CoreHost.StartAsync();
        core.Store.FailWrites = true;
        var before = core.Log.Revision;

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => core.PublishAsync("a.txt", "1"));

        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, core.Log.Revision);
        Assert.Null(core.Configs.Get(CoreHost.Config("a.txt")));
    }

    [Fact]
    public async Task Deleting_a_namespace_that_still_holds_something_is_refused_in_the_core()
    {
        await using var core = await CoreHost.StartAsync();
        await core.NamespaceCommands.CreateAsync(new Meridian.Namespaces.NamespaceInfo("dev", "dev", ""), Caller.System, Ct);
        await core.RegisterAsync(CoreHost.Service("svc", "dev"), "10.0.0.1");

        var error = await Assert.ThrowsAsync<ConflictException>(() => core.NamespaceCommands.DeleteAsync("dev", Caller.System, Ct));

        Assert.Contains("1 service(s)", error.Message, StringComparison.Ordinal);
        Assert.True(core.Namespaces.Exists("dev"));
    }

    private static async Task<object> Attempt(Func<Task<ConfigItem>> publish)
    {
        try
        {
            return await publish();
        }
        catch (ConflictException e)
        {
            return e;
        }
    }
}
