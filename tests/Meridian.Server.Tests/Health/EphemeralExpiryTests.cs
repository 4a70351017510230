using Meridian.Naming;
using Meridian.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Server.Tests.Health;

public sealed class EphemeralExpiryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly ServiceKey Svc = new("public", "DEFAULT_GROUP", "svc");

    [Fact]
    public async Task Silent_ephemeral_instance_turns_unhealthy_after_15s_and_is_removed_after_30s()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(time, cancellationToken: Ct);
        var registry = server.Get<RegistryProjection>();
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 });

        time.Advance(TimeSpan.FromSeconds(14.9));
        await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        Assert.True(Assert.Single((await server.Client.ListAsync("svc")).Instances).Healthy);

        // The background sweep, on the server's own timer, sees the silence pass 15 s.
        var unhealthy = registry.Changes.WaitAsync(c => c.Key == Svc && c.Snapshot.Instances is [{ Healthy: false }], Ct);
        time.Advance(TimeSpan.FromSeconds(0.2));
        await unhealthy;
        Assert.False(Assert.Single((await server.Client.ListAsync("svc")).Instances).Healthy);
        Assert.Empty((await server.Client.ListAsync("svc", "?healthyOnly=true")).Instances);

        time.Advance(TimeSpan.FromSeconds(14.8));
        await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        Assert.Single((await server.Client.ListAsync("svc")).Instances);

        var removed = registry.Changes.WaitAsync(c => c.Key == Svc && c.Snapshot.Instances.IsEmpty, Ct);
        time.Advance(TimeSpan.FromSeconds(0.2));
        await removed;
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await server.Client.GetAsync(Paths.Instances("svc"), Ct)).StatusCode);
    }

    [Fact]
    public async Task Heartbeats_keep_an_ephemeral_instance_alive_and_revive_an_unhealthy_one()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(time, cancellationToken: Ct);
        var registry = server.Get<RegistryProjection>();
        var instance = await (await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 })).ReadAsync<Wire.InstanceDto>();
        var beat = $"{Paths.Instances("svc")}/{Uri.EscapeDataString(instance.InstanceId)}/heartbeat";

        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            (await server.Client.PutAsync(beat, null, Ct)).EnsureSuccessStatusCode();
            await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        }

        Assert.True(Assert.Single((await server.Client.ListAsync("svc")).Instances).Healthy);

        time.Advance(TimeSpan.FromSeconds(20));
        await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        Assert.False(Assert.Single((await server.Client.ListAsync("svc")).Instances).Healthy);

        (await server.Client.PutAsync(beat, null, Ct)).EnsureSuccessStatusCode();
        Assert.True(Assert.Single((await server.Client.ListAsync("svc")).Instances).Healthy);
    }

    [Fact]
    public async Task Instance_metadata_overrides_the_server_timeouts()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(time, cancellationToken: Ct);
        var registry = server.Get<RegistryProjection>();
        await server.Client.RegisterAsync("svc", new
        {
            ip = "10.0.0.1",
            port = 80,
            metadata = new Dictionary<string, string> { ["preserved.heart.beat.timeout"] = "3000", ["preserved.ip.delete.timeout"] = "6000" },
        });

        time.Advance(TimeSpan.FromSeconds(3.1));
        await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        Assert.False(Assert.Single((await server.Client.ListAsync("svc")).Instances).Healthy);

        time.Advance(TimeSpan.FromSeconds(3));
        await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await server.Client.GetAsync(Paths.Instances("svc"), Ct)).StatusCode);
    }

    [Fact]
    public async Task Server_timeouts_come_from_configuration()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(
            time,
            new Dictionary<string, string?> { ["Meridian:Registry:HeartbeatTimeout"] = "00:00:06", ["Meridian:Registry:DeleteTimeout"] = "00:00:08" },
            cancellationToken: Ct);
        var registry = server.Get<RegistryProjection>();
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 });

        time.Advance(TimeSpan.FromSeconds(6.1));
        await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        Assert.False(Assert.Single((await server.Client.ListAsync("svc")).Instances).Healthy);
        time.Advance(TimeSpan.FromSeconds(2));
        await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        Assert.Null(registry.GetService(Svc));
    }
}
