using System.Net;
using System.Net.Http.Json;
using Meridian.Changes;
using Meridian.Persistence;
using Meridian.Server.Tests.Api.Config;
using Meridian.Server.Tests.Infrastructure;
using Meridian.Testing;

namespace Meridian.Server.Tests.Storage;

/// <summary>
/// What every store must do, run against each engine: the change log as another node or a catching-up reader gets it
/// back, revisions across restarts, conditional writes, and what survives a restart.
/// </summary>
public abstract class StoreConformanceTests
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings for a new, empty store; servers started with the same settings share it.</summary>
    protected abstract Task<Dictionary<string, string?>> NewStoreAsync();

    private async Task<TestServer> StartAsync(Dictionary<string, string?>? store = null) =>
        await TestServer.StartAsync(settings: store ?? await NewStoreAsync(), cancellationToken: Ct);

    [Fact]
    public async Task Changes_read_back_after_a_revision_carry_everything_a_projection_needs()
    {
        await using var server = await StartAsync();
        var before = server.Get<ChangeLog>().Revision;
        await server.Client.PublishAsync("app.yaml", "a: 1\n", "yaml");
        (await server.Client.RegisterAsync("orders", new { ip = "10.0.0.1", port = 80, metadata = new Dictionary<string, string> { ["zone"] = "hz" } })).EnsureSuccessStatusCode();
        (await server.Client.DeleteAsync(ConfigWire.Path("app.yaml"), Ct)).EnsureSuccessStatusCode();

        var changes = await server.Get<IChangeStore>().ReadAfterAsync(before, 100, Ct);

        Assert.Equal(changes.Select(c => c.Revision).Order(), changes.Select(c => c.Revision));
        Assert.True(changes[0].Revision > before);
        var published = Assert.IsType<ConfigSaved>(changes[0]);
        Assert.Equal(("a: 1\n", 1L), (published.Item.Content, published.Item.Version));
        var registered = Assert.IsType<InstanceSaved>(changes[1]);
        Assert.Equal(("10.0.0.1", "hz", true), (registered.Instance.Ip, registered.Instance.Metadata["zone"], registered.Created));
        var deleted = Assert.IsType<ConfigRemoved>(changes[2]);
        Assert.Equal((2L, "a: 1\n"), (deleted.Entry.Version, deleted.Last.Content));
        Assert.Equal(3, changes.Count);
    }

    [Fact]
    public async Task Compaction_removes_only_log_rows_past_the_cutoff_and_keeps_the_state()
    {
        await using var server = await StartAsync();
        var store = server.Get<IChangeStore>();
        var start = server.Get<ChangeLog>().Revision;
        await server.Client.PublishAsync("old.txt", "1");
        await server.Client.PublishAsync("old.txt", "2");
        var between = DateTimeOffset.UtcNow.AddMilliseconds(1);
        while (DateTimeOffset.UtcNow <= between)
        {
            await Task.Yield();
        }

        await server.Client.PublishAsync("new.txt", "3");

        Assert.Equal(0, await store.CompactAsync(DateTimeOffset.UtcNow.AddDays(-1), Ct));
        Assert.Equal(2, await store.CompactAsync(between, Ct));

        var left = await store.ReadAfterAsync(start, 100, Ct);
        Assert.Equal("new.txt", Assert.IsType<ConfigSaved>(Assert.Single(left)).Item.Key.DataId);
        var kept = await (await server.Client.GetAsync(ConfigWire.Path("old.txt") + "?format=json", Ct)).ReadAsync<ConfigWire.ConfigDto>();
        Assert.Equal(("2", 2L), (kept.Content, kept.Version));

        Assert.Equal(1, await store.CompactAsync(DateTimeOffset.UtcNow.AddMinutes(1), Ct));
        Assert.Empty(await store.ReadAfterAsync(start, 100, Ct));
    }

    [Fact]
    public async Task Revisions_keep_increasing_across_a_restart_and_the_state_and_history_come_back()
    {
        var store = await NewStoreAsync();
        long before;
        await using (var first = await StartAsync(store))
        {
            await first.Client.PublishAsync("app.properties", "a=1");
            await first.Client.PublishAsync("app.properties", "a=2");
            (await first.Client.PostAsJsonAsync("/v1/namespaces", new { id = "dev", name = "Development" }, Ct)).EnsureSuccessStatusCode();
            before = first.Get<ChangeLog>().Revision;
        }

        await using var second = await StartAsync(store);
        Assert.True(second.Get<ChangeLog>().Revision >= before);
        var back = await (await second.Client.GetAsync(ConfigWire.Path("app.properties") + "?format=json", Ct)).ReadAsync<ConfigWire.ConfigDto>();
        Assert.Equal(("a=2", 2L), (back.Content, back.Version));
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/v1/namespaces/dev", Ct)).StatusCode);
        var history = await (await second.Client.GetAsync(ConfigWire.Path("app.properties") + "/history", Ct)).ReadAsync<ConfigWire.HistoryPageDto>();
        Assert.Equal([2L, 1L], history.Items.Select(h => h.Version));

        var next = await second.Client.PublishAsync("app.properties", "a=3");
        Assert.True(next.Revision > before);
        Assert.Equal(3, next.Version);
    }

    [Fact]
    public async Task Of_two_concurrent_publishes_expecting_the_same_md5_one_wins_and_the_other_gets_409()
    {
        await using var server = await StartAsync();
        var v1 = await server.Client.PublishAsync("race.json", "{\"a\":1}");

        var racing = await Task.WhenAll(
            server.Client.PutConfigAsync("race.json", new { content = "{\"a\":2}", expectedMd5 = v1.Md5 }),
            server.Client.PutConfigAsync("race.json", new { content = "{\"a\":3}", expectedMd5 = v1.Md5 }));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], racing.Select(r => r.StatusCode).Order());
        var now = await (await server.Client.GetAsync(ConfigWire.Path("race.json") + "?format=json", Ct)).ReadAsync<ConfigWire.ConfigDto>();
        Assert.Equal(2, now.Version);
    }

    [Fact]
    public async Task Access_keys_and_their_revocation_survive_a_restart()
    {
        var store = await NewStoreAsync();
        string kept, revoked;
        await using (var first = await StartAsync(store))
        {
            kept = await TestAuth.CreateKeyAsync(first.Client, Ct, "orders");
            revoked = await TestAuth.CreateKeyAsync(first.Client, Ct, "billing");
            var keys = await (await first.Client.GetAsync("/v1/auth/keys", Ct)).ReadAsync<List<KeyDto>>();
            (await first.Client.DeleteAsync($"/v1/auth/keys/{keys.Single(k => k.Name == "billing").Id}", Ct)).EnsureSuccessStatusCode();
        }

        await using var second = await StartAsync(store);
        using var keptClient = TestAuth.ClientWith(second.BaseAddress, kept);
        using var revokedClient = TestAuth.ClientWith(second.BaseAddress, revoked);
        Assert.Equal(HttpStatusCode.OK, (await keptClient.GetAsync("/v1/namespaces/public/services", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revokedClient.GetAsync("/v1/namespaces/public/services", Ct)).StatusCode);
    }

    private sealed record KeyDto(string Id, string Name);
}

public sealed class SqliteStoreTests : StoreConformanceTests
{
    protected override Task<Dictionary<string, string?>> NewStoreAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Meridian:Storage:Sqlite:DataDirectory"] = TestServer.NewDataDirectory() });
}

public sealed class PostgresStoreTests(PostgresFixture postgres) : StoreConformanceTests
{
    protected override async Task<Dictionary<string, string?>> NewStoreAsync() =>
        PostgresFixture.Settings(await postgres.NewDatabaseAsync(Ct));
}
