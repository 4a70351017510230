using Meridian.Changes;
using Meridian.Persistence;
using Meridian.Server.Tests.Api.Config;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Changes;

/// <summary>The change log as the embedded store keeps it: what another node or a catching-up reader gets back.</summary>
public sealed class StoredLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Changes_read_back_after_a_revision_carry_everything_a_projection_needs()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
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
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
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
}
