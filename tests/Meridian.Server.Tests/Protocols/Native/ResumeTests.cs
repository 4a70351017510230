using System.Net.Http.Json;
using Meridian.Contracts.V1;
using Meridian.Server.Tests.Api.Config;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Protocols.Native;

/// <summary>A client that resubscribes with the revision it holds gets only what it missed, from the change log.</summary>
public sealed class ResumeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ClientMessage Subscribe(string service, long? since = null)
    {
        var subscribe = new SubscribeService { Service = new ServiceRef { Service = service } };
        if (since is { } revision)
        {
            subscribe.SinceRevision = revision;
        }

        return new ClientMessage { SubscribeService = subscribe };
    }

    private static string Id(string ip) => $"{ip}#80#DEFAULT#DEFAULT_GROUP@@orders";

    private static async Task<long> SeenAsync(TestServer server, string service)
    {
        await using var watcher = await RawConnection.OpenAsync(server, "watcher", Ct);
        Assert.True((await watcher.RequestAsync(Subscribe(service), Ct)).Ok);
        return (await watcher.NextPushAsync(service, Ct)).ServicePush.Revision;
    }

    [Fact]
    public async Task A_client_resubscribing_with_its_revision_receives_exactly_the_changes_it_missed()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        foreach (var ip in new[] { "10.0.0.1", "10.0.0.2", "10.0.0.3" })
        {
            (await server.Client.RegisterAsync("orders", new { ip, port = 80 })).EnsureSuccessStatusCode();
        }

        var seen = await SeenAsync(server, "orders");

        // While the client is away: one instance joins, one leaves, one is drained; another service changes too.
        (await server.Client.RegisterAsync("orders", new { ip = "10.0.0.4", port = 80 })).EnsureSuccessStatusCode();
        (await server.Client.DeleteAsync($"{Paths.Instances("orders")}/{Uri.EscapeDataString(Id("10.0.0.1"))}", Ct)).EnsureSuccessStatusCode();
        (await server.Client.PatchAsJsonAsync($"{Paths.Instances("orders")}/{Uri.EscapeDataString(Id("10.0.0.2"))}", new { weight = 0 }, Ct)).EnsureSuccessStatusCode();
        (await server.Client.RegisterAsync("payments", new { ip = "10.0.9.9", port = 80 })).EnsureSuccessStatusCode();

        await using var back = await RawConnection.OpenAsync(server, "watcher", Ct);
        Assert.True((await back.RequestAsync(Subscribe("orders", seen), Ct)).Ok);
        var message = await back.NextAsync(m => m.BodyCase is ServerMessage.BodyOneofCase.ServiceDelta or ServerMessage.BodyOneofCase.ServicePush, Ct);

        Assert.Equal(ServerMessage.BodyOneofCase.ServiceDelta, message.BodyCase);
        var delta = message.ServiceDelta;
        Assert.Equal(seen, delta.BaseRevision);
        Assert.Equal([Id("10.0.0.1")], delta.Removed);
        Assert.Equal([("10.0.0.2", 0.0), ("10.0.0.4", 1.0)], delta.Upserted.Select(i => (i.Ip, i.Weight)).Order());
        var service = await (await server.Client.GetAsync(Paths.Service("orders"), Ct)).ReadAsync<Wire.ServiceDto>();
        Assert.Equal(service.Revision, delta.Revision);
    }

    [Fact]
    public async Task A_client_that_missed_nothing_is_sent_nothing_until_the_next_change()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        (await server.Client.RegisterAsync("orders", new { ip = "10.0.0.1", port = 80 })).EnsureSuccessStatusCode();
        var seen = await SeenAsync(server, "orders");

        await using var back = await RawConnection.OpenAsync(server, "watcher", Ct);
        Assert.True((await back.RequestAsync(Subscribe("orders", seen), Ct)).Ok);
        (await server.Client.RegisterAsync("orders", new { ip = "10.0.0.2", port = 80 })).EnsureSuccessStatusCode();

        // The first push after the ack is the new change itself, not a repeat of what the client held.
        var push = (await back.NextPushAsync("orders", Ct)).ServicePush;
        Assert.True(push.Revision > seen);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], push.Instances.Select(i => i.Ip).Order());
    }

    [Fact]
    public async Task A_revision_the_window_no_longer_reaches_gets_the_full_snapshot()
    {
        await using var server = await TestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Meridian:ChangeLog:MaxWindowEntries"] = "100" }, cancellationToken: Ct);
        (await server.Client.RegisterAsync("orders", new { ip = "10.0.0.1", port = 80 })).EnsureSuccessStatusCode();
        var seen = await SeenAsync(server, "orders");
        (await server.Client.RegisterAsync("orders", new { ip = "10.0.0.2", port = 80 })).EnsureSuccessStatusCode();
        for (var i = 0; i < 120; i++)
        {
            await server.Client.PublishAsync($"filler-{i}.txt", "x");
        }

        await using var back = await RawConnection.OpenAsync(server, "watcher", Ct);
        Assert.True((await back.RequestAsync(Subscribe("orders", seen), Ct)).Ok);
        var message = await back.NextAsync(m => m.BodyCase is ServerMessage.BodyOneofCase.ServiceDelta or ServerMessage.BodyOneofCase.ServicePush, Ct);

        Assert.Equal(ServerMessage.BodyOneofCase.ServicePush, message.BodyCase);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], message.ServicePush.Instances.Select(i => i.Ip).Order());
    }

    [Fact]
    public async Task A_config_subscription_resumed_at_its_version_is_pushed_only_what_came_after()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var v1 = await server.Client.PublishAsync("app.yaml", "a: 1\n");
        var subscribe = new ClientMessage { SubscribeConfig = new SubscribeConfig { Config = new ConfigRef { DataId = "app.yaml" }, SinceRevision = v1.Version } };

        await using var back = await RawConnection.OpenAsync(server, "watcher", Ct);
        Assert.True((await back.RequestAsync(subscribe, Ct)).Ok);
        var v2 = await server.Client.PublishAsync("app.yaml", "a: 2\n");

        var push = (await back.NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.ConfigPush, Ct)).ConfigPush;
        Assert.Equal((v2.Version, "a: 2\n"), (push.Revision, push.Content));
    }

    [Fact]
    public async Task A_deleted_config_is_pushed_as_removed_at_its_delete_s_version_so_it_supersedes_what_a_client_held()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var v1 = await server.Client.PublishAsync("app.yaml", "a: 1\n");
        (await server.Client.DeleteAsync(ConfigWire.Path("app.yaml"), Ct)).EnsureSuccessStatusCode();
        var subscribe = new ClientMessage { SubscribeConfig = new SubscribeConfig { Config = new ConfigRef { DataId = "app.yaml" }, SinceRevision = v1.Version } };

        await using var back = await RawConnection.OpenAsync(server, "watcher", Ct);
        Assert.True((await back.RequestAsync(subscribe, Ct)).Ok);

        var push = (await back.NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.ConfigPush, Ct)).ConfigPush;
        Assert.True(push.Removed);
        Assert.Equal(v1.Version + 1, push.Revision);
    }
}
