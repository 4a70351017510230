using System.Diagnostics;
using Grpc.Core;
using Meridian.Contracts.V1;
using Meridian.Naming;
using Meridian.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Server.Tests.Protocols.Native;

public sealed class ConnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ClientMessage Register(string service, int port, string ip = "10.0.0.1") => new()
    {
        RegisterInstance = new RegisterInstance { Service = new ServiceRef { Service = service }, Ip = ip, Port = port },
    };

    private static ClientMessage Subscribe(string service) => new() { SubscribeService = new SubscribeService { Service = new ServiceRef { Service = service } } };

    private static ServiceKey Key(string service) => new(ServiceKey.DefaultNamespace, ServiceKey.DefaultGroup, service);

    [Fact]
    public async Task Subscriber_gets_the_snapshot_then_every_change_with_growing_revisions()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var provider = await RawConnection.OpenAsync(server, "provider", Ct);
        await using var watcher = await RawConnection.OpenAsync(server, "watcher", Ct);

        var first = await provider.RequestAsync(Register("orders", 8080), Ct);
        Assert.True(first.Ok, first.ErrorMessage);
        Assert.Equal("10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@orders", first.InstanceId);

        Assert.True((await watcher.RequestAsync(Subscribe("orders"), Ct)).Ok);
        var snapshot = (await watcher.NextPushAsync("orders", Ct)).ServicePush;
        Assert.Equal([8080], snapshot.Instances.Select(i => i.Port));

        Assert.True((await provider.RequestAsync(Register("orders", 8081), Ct)).Ok);
        var change = (await watcher.NextPushAsync("orders", Ct)).ServicePush;
        Assert.Equal([8080, 8081], change.Instances.Select(i => i.Port).Order());
        Assert.True(change.Revision > snapshot.Revision);
    }

    [Fact]
    public async Task Subscribing_to_an_unknown_service_pushes_it_empty_and_later_its_first_instance()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var watcher = await RawConnection.OpenAsync(server, "watcher", Ct);
        await watcher.RequestAsync(Subscribe("later"), Ct);
        var empty = (await watcher.NextPushAsync("later", Ct)).ServicePush;
        Assert.Empty(empty.Instances);

        var response = await server.Client.RegisterAsync("later", new { ip = "10.0.0.9", port = 9000 });
        response.EnsureSuccessStatusCode();
        var arrived = (await watcher.NextPushAsync("later", Ct)).ServicePush;
        Assert.Single(arrived.Instances);
        Assert.True(arrived.Revision > empty.Revision);
    }

    [Fact]
    public async Task Instance_held_by_a_live_connection_survives_heartbeat_expiry()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // This bare client answers no pings, so the idle cut-off must lie beyond the simulated minute and a half.
        await using var server = await TestServer.StartAsync(
            time, new Dictionary<string, string?> { ["Meridian:Connections:IdleTimeout"] = "00:10:00" }, cancellationToken: Ct);
        await using var provider = await RawConnection.OpenAsync(server, "provider", Ct);
        Assert.True((await provider.RequestAsync(Register("held", 7000), Ct)).Ok);

        // Far past the 30 s delete timeout, in sweep-sized steps so each sweep runs.
        for (var i = 0; i < 90; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var instance = Assert.Single(server.Get<RegistryProjection>().GetService(Key("held"))!.Instances);
        Assert.True(instance.Healthy);
    }

    [Fact]
    public async Task Instances_of_a_dropped_connection_are_removed_after_the_grace()
    {
        await using var server = await TestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Meridian:Connections:Grace"] = "00:00:00.500" }, cancellationToken: Ct);
        var registry = server.Get<RegistryProjection>();
        var provider = await RawConnection.OpenAsync(server, "crashing", Ct);
        Assert.True((await provider.RequestAsync(Register("fragile", 7001), Ct)).Ok);

        var removed = registry.Changes.WaitAsync(c => c.Key.Name == "fragile" && c.Snapshot.Instances.IsEmpty, Ct);
        var dropped = Stopwatch.StartNew();
        provider.Abort();
        await removed.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        dropped.Stop();

        Assert.InRange(dropped.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(2));
        await provider.DisposeAsync();
    }

    [Fact]
    public async Task A_client_that_reconnects_within_the_grace_keeps_its_instances()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time, cancellationToken: Ct);
        var registry = server.Get<RegistryProjection>();
        var first = await RawConnection.OpenAsync(server, "steady", Ct);
        Assert.True((await first.RequestAsync(Register("steady-svc", 7002), Ct)).Ok);
        first.Abort();
        await first.DisposeAsync();

        await using var second = await RawConnection.OpenAsync(server, "steady", Ct);
        Assert.True((await second.RequestAsync(Register("steady-svc", 7002), Ct)).Ok);
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Single(registry.GetService(Key("steady-svc"))!.Instances);
    }

    [Fact]
    public async Task Health_reported_over_the_connection_reaches_subscribers()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var provider = await RawConnection.OpenAsync(server, "provider", Ct);
        await using var watcher = await RawConnection.OpenAsync(server, "watcher", Ct);
        var id = (await provider.RequestAsync(Register("sick", 7003), Ct)).InstanceId;
        await watcher.RequestAsync(Subscribe("sick"), Ct);
        Assert.True((await watcher.NextPushAsync("sick", Ct)).ServicePush.Instances[0].Healthy);

        var ack = await provider.RequestAsync(new ClientMessage
        {
            SetInstanceHealth = new SetInstanceHealth { Service = new ServiceRef { Service = "sick" }, InstanceId = id, Healthy = false },
        }, Ct);

        Assert.True(ack.Ok, ack.ErrorMessage);
        Assert.False((await watcher.NextPushAsync("sick", Ct)).ServicePush.Instances[0].Healthy);
    }

    [Fact]
    public async Task Graceful_deregistration_reaches_subscribers_at_once()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var provider = await RawConnection.OpenAsync(server, "provider", Ct);
        await using var watcher = await RawConnection.OpenAsync(server, "watcher", Ct);
        var id = (await provider.RequestAsync(Register("leaving", 7004), Ct)).InstanceId;
        await watcher.RequestAsync(Subscribe("leaving"), Ct);
        await watcher.NextPushAsync("leaving", Ct);

        var ack = await provider.RequestAsync(new ClientMessage
        {
            DeregisterInstance = new DeregisterInstance { Service = new ServiceRef { Service = "leaving" }, InstanceId = id },
        }, Ct);

        Assert.True(ack.Ok, ack.ErrorMessage);
        Assert.Empty((await watcher.NextPushAsync("leaving", Ct)).ServicePush.Instances);
    }

    [Fact]
    public async Task Invalid_registration_is_answered_with_what_to_fix()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var provider = await RawConnection.OpenAsync(server, "provider", Ct);
        var ack = await provider.RequestAsync(Register("bad name!", 0), Ct);
        Assert.False(ack.Ok);
        Assert.Equal("invalid_input", ack.ErrorCode);
        Assert.Contains("service", ack.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("port", ack.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_does_not_start_with_hello_is_refused()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var raw = await RawConnection.OpenAsync(server, "rude", Ct, sayHello: false);
        await raw.SendAsync(Subscribe("x"));
        var status = await raw.Ended.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Contains("Hello", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_pings_a_quiet_client_and_closes_one_that_stays_silent()
    {
        await using var server = await TestServer.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["Meridian:Connections:PingInterval"] = "00:00:00.200",
                ["Meridian:Connections:IdleTimeout"] = "00:00:00.600",
            },
            cancellationToken: Ct);
        await using var quiet = await RawConnection.OpenAsync(server, "quiet", Ct);
        var ping = await quiet.NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.Ping, Ct);
        Assert.True(ping.Ping.SentAtMs > 0);

        var status = await quiet.Ended.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(StatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task Client_ping_is_answered_with_pong()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var client = await RawConnection.OpenAsync(server, "pinger", Ct);
        await client.SendAsync(new ClientMessage { Ping = new Ping { SentAtMs = 42 } });
        var pong = await client.NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.Pong, Ct);
        Assert.Equal(42, pong.Pong.SentAtMs);
    }
}
