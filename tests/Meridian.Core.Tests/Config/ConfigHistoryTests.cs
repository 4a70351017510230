using Meridian.Auth;
using Meridian.Core.Tests.Infrastructure;
using Meridian.Config;
using Meridian.Validation;

namespace Meridian.Core.Tests.Config;

public sealed class ConfigHistoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task History_lists_every_change_newest_first_with_who_and_from_where()
    {
        await using var f = await CoreHost.StartAsync();
        await f.PublishAsync("app.txt", "one");
        await f.PublishAsync("app.txt", "two");
        await f.ConfigCommands.DeleteAsync(CoreHost.Config("app.txt"), new Caller("bob", CallerKind.User, isAdmin: true, [], "10.0.0.9"), Ct);

        var page = await f.ConfigCommands.ListHistoryAsync(CoreHost.Config("app.txt"), 1, 10, Caller.System, Ct);

        Assert.Equal(3, page.Total);
        Assert.Equal([3L, 2L, 1L], page.Items.Select(e => e.Version));
        Assert.Equal([ConfigOperation.Delete, ConfigOperation.Publish, ConfigOperation.Publish], page.Items.Select(e => e.Operation));
        Assert.Equal(("bob", "10.0.0.9"), (page.Items[0].User, page.Items[0].SourceAddress));
        Assert.Equal(("alice", "10.0.0.7"), (page.Items[2].User, page.Items[2].SourceAddress));
        Assert.Equal("two", (await f.ConfigCommands.GetVersionAsync(CoreHost.Config("app.txt"), 3, Caller.System, Ct)).Content);
    }

    [Fact]
    public async Task Rollback_publishes_the_old_content_as_a_new_version()
    {
        await using var f = await CoreHost.StartAsync();
        var v1 = await f.ConfigCommands.PublishAsync(CoreHost.Config("app.yaml"), new ConfigDraft("a: 1\n", Tags: ["t1"]), CoreHost.Alice, Ct);
        await f.ConfigCommands.PublishAsync(CoreHost.Config("app.yaml"), new ConfigDraft("a: 2\n", Tags: ["t2"]), CoreHost.Alice, Ct);

        var rolled = await f.ConfigCommands.RollbackAsync(CoreHost.Config("app.yaml"), 1, CoreHost.Alice, Ct);

        Assert.Equal((3L, "a: 1\n", v1.Md5), (rolled.Version, rolled.Content, rolled.Md5));
        Assert.Equal(["t1"], rolled.Tags);
        var latest = (await f.ConfigCommands.ListHistoryAsync(CoreHost.Config("app.yaml"), 1, 1, Caller.System, Ct)).Items[0];
        Assert.Equal(ConfigOperation.Rollback, latest.Operation);
    }

    [Fact]
    public async Task Rolling_back_to_a_deletion_or_a_missing_version_is_refused()
    {
        await using var f = await CoreHost.StartAsync();
        await f.PublishAsync("app.txt", "one");
        await f.ConfigCommands.DeleteAsync(CoreHost.Config("app.txt"), CoreHost.Alice, Ct);

        var deletion = await Assert.ThrowsAsync<InvalidInputException>(() => f.ConfigCommands.RollbackAsync(CoreHost.Config("app.txt"), 2, CoreHost.Alice, Ct));
        Assert.Contains("(1)", deletion.Errors["version"][0], StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => f.ConfigCommands.RollbackAsync(CoreHost.Config("app.txt"), 9, CoreHost.Alice, Ct));

        var restored = await f.ConfigCommands.RollbackAsync(CoreHost.Config("app.txt"), 1, CoreHost.Alice, Ct);
        Assert.Equal((3L, "one"), (restored.Version, restored.Content));
    }

    [Fact]
    public async Task Diff_is_a_unified_line_diff_between_two_versions()
    {
        await using var f = await CoreHost.StartAsync();
        await f.PublishAsync("app.properties", "a=1\nb=2\nc=3\n");
        await f.PublishAsync("app.properties", "a=1\nb=20\nc=3\nd=4\n");

        var diff = await f.ConfigCommands.DiffAsync(CoreHost.Config("app.properties"), 1, null, Caller.System, Ct);

        Assert.Equal((1L, 2L), (diff.From, diff.To));
        var lines = diff.Unified.ReplaceLineEndings("\n").Split('\n');
        Assert.StartsWith("--- app.properties@1", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("+++ app.properties@2", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("@@ -1,3 +1,4 @@", lines[2], StringComparison.Ordinal);
        Assert.Equal([" a=1", "-b=2", "+b=20", " c=3", "+d=4"], lines.Skip(3).Where(l => l.Length > 0));
    }

    [Fact]
    public async Task Diff_of_equal_contents_is_empty()
    {
        await using var f = await CoreHost.StartAsync();
        await f.PublishAsync("a.txt", "same");
        await f.PublishAsync("a.txt", "other");
        await f.PublishAsync("a.txt", "same");

        var diff = await f.ConfigCommands.DiffAsync(CoreHost.Config("a.txt"), 1, 3, Caller.System, Ct);
        Assert.True(diff.Identical);
        Assert.Equal("", diff.Unified);
        Assert.False((await f.ConfigCommands.DiffAsync(CoreHost.Config("a.txt"), 1, 2, Caller.System, Ct)).Identical);
    }

    [Fact]
    public async Task Cleanup_runs_hourly_and_removes_history_older_than_the_retention()
    {
        await using var f = await CoreHost.StartAsync();
        await f.PublishAsync("a.txt", "old");
        f.Time.Advance(TimeSpan.FromDays(20));
        await f.PublishAsync("a.txt", "new");
        var cleanup = f.Get<ConfigHistoryCleanup>();
        await cleanup.StartAsync(Ct);

        var first = cleanup.Rounds.WaitAsync(_ => true, Ct);
        f.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.False(first.IsCompleted);
        f.Time.Advance(TimeSpan.FromMinutes(1));
        var removed = new List<int> { await first };

        // Hour by hour, so each tick is its own round; "old" turns 30 days old 240 hours after the start.
        for (var hour = 2; hour <= 241; hour++)
        {
            var round = cleanup.Rounds.WaitAsync(_ => true, Ct);
            f.Time.Advance(TimeSpan.FromHours(1));
            removed.Add(await round);
        }

        Assert.All(removed.Take(240), r => Assert.Equal(0, r));
        Assert.Equal(1, removed[240]);
        Assert.Equal(f.Time.GetUtcNow() - TimeSpan.FromDays(30), f.Store.Purges[^1]);
        var left = await f.ConfigCommands.ListHistoryAsync(CoreHost.Config("a.txt"), 1, 10, Caller.System, Ct);
        Assert.Equal([2L], left.Items.Select(e => e.Version));
        await cleanup.StopAsync(Ct);
    }
}
