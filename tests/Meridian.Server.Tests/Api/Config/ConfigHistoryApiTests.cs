using System.Net;
using System.Net.Http.Json;
using Meridian.Config;
using Meridian.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Server.Tests.Api.Config;

public sealed class ConfigHistoryApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task History_lists_every_change_with_who_and_from_where_and_reads_each_version()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.PublishAsync("app.yaml", "a: 1\n");
        await server.Client.PublishAsync("app.yaml", "a: 2\n");
        await server.Client.DeleteAsync(ConfigWire.Path("app.yaml"), Ct);
        await server.Client.PublishAsync("app.yaml", "a: 4\n");

        var history = await (await server.Client.GetAsync(ConfigWire.Path("app.yaml") + "/history", Ct)).ReadAsync<ConfigWire.HistoryPageDto>();

        Assert.Equal(4, history.Total);
        Assert.Equal([4L, 3L, 2L, 1L], history.Items.Select(i => i.Version));
        Assert.Equal(["publish", "delete", "publish", "publish"], history.Items.Select(i => i.Operation));
        Assert.All(history.Items, i => Assert.Equal(("admin", "127.0.0.1", "yaml"), (i.User, i.SourceAddress, i.Type)));

        var deleted = await (await server.Client.GetAsync(ConfigWire.Path("app.yaml") + "/history/3", Ct)).ReadAsync<ConfigWire.VersionDto>();
        Assert.Equal(("delete", "a: 2\n"), (deleted.Operation, deleted.Content));
        await (await server.Client.GetAsync(ConfigWire.Path("app.yaml") + "/history/99", Ct)).ProblemAsync(HttpStatusCode.NotFound);

        var paged = await (await server.Client.GetAsync(ConfigWire.Path("app.yaml") + "/history?pageNo=2&pageSize=3", Ct)).ReadAsync<ConfigWire.HistoryPageDto>();
        Assert.Equal([1L], paged.Items.Select(i => i.Version));
    }

    [Fact]
    public async Task Diff_shows_the_changed_lines_between_two_versions()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.PublishAsync("app.properties", "a=1\nb=2\n");
        await server.Client.PublishAsync("app.properties", "a=1\nb=3\n");

        var diff = await (await server.Client.GetAsync(ConfigWire.Path("app.properties") + "/diff?from=1", Ct)).ReadAsync<ConfigWire.DiffDto>();

        Assert.Equal((1L, 2L, false), (diff.From, diff.To, diff.Identical));
        Assert.Contains("-b=2\n+b=3", diff.Unified.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var missing = await (await server.Client.GetAsync(ConfigWire.Path("app.properties") + "/diff", Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("from", missing.Errors!.Keys);
    }

    [Fact]
    public async Task Rollback_publishes_the_old_content_as_a_new_version()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var v1 = await server.Client.PublishAsync("app.json", "{\"feature\": false}");
        await server.Client.PublishAsync("app.json", "{\"feature\": true}");

        var rolled = await (await server.Client.PostAsJsonAsync(ConfigWire.Path("app.json") + "/rollback", new { version = 1 }, Ct)).ReadAsync<ConfigWire.ConfigDto>();

        Assert.Equal((3L, "{\"feature\": false}", v1.Md5), (rolled.Version, rolled.Content, rolled.Md5));
        Assert.Equal("{\"feature\": false}", await server.Client.GetStringAsync(ConfigWire.Path("app.json"), Ct));
        var history = await (await server.Client.GetAsync(ConfigWire.Path("app.json") + "/history", Ct)).ReadAsync<ConfigWire.HistoryPageDto>();
        Assert.Equal("rollback", history.Items[0].Operation);
        await (await server.Client.PostAsJsonAsync(ConfigWire.Path("app.json") + "/rollback", new { version = 7 }, Ct)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task History_past_the_retention_is_removed_by_the_hourly_cleanup()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(
            time, new Dictionary<string, string?> { ["Meridian:Config:HistoryRetention"] = "02:00:00" }, cancellationToken: Ct);
        var rounds = server.Get<ConfigHistoryCleanup>().Rounds;
        await server.Client.PublishAsync("app.txt", "old");

        // Every advance ends on a tick, so each round reads the clock at exactly the hour.
        async Task<int> RoundAfterAsync(TimeSpan advance)
        {
            var round = rounds.WaitAsync(_ => true, Ct);
            time.Advance(advance);
            return await round;
        }

        Assert.Equal(0, await RoundAfterAsync(TimeSpan.FromHours(1)));
        time.Advance(TimeSpan.FromMinutes(30));
        await server.Client.PublishAsync("app.txt", "new");
        Assert.Equal(0, await RoundAfterAsync(TimeSpan.FromMinutes(30)));
        Assert.Equal(1, await RoundAfterAsync(TimeSpan.FromHours(1)));

        var history = await (await server.Client.GetAsync(ConfigWire.Path("app.txt") + "/history", Ct)).ReadAsync<ConfigWire.HistoryPageDto>();
        Assert.Equal([2L], history.Items.Select(i => i.Version));
    }
}
