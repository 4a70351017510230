using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Meridian.Naming;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Health;

public sealed class PersistentProbeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly ServiceKey Svc = new("public", "DEFAULT_GROUP", "db");

    private static readonly Dictionary<string, string?> FastProbes = new()
    {
        ["Meridian:HealthChecks:Interval"] = "00:00:00.100",
        ["Meridian:HealthChecks:Timeout"] = "00:00:01",
        ["Meridian:HealthChecks:FailureThreshold"] = "2",
        ["Meridian:HealthChecks:SuccessThreshold"] = "1",
    };

    [Fact]
    public async Task Persistent_instance_follows_a_real_TCP_listener_and_survives_a_restart()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var data = TestServer.NewDataDirectory();
        try
        {
            await using (var server = await TestServer.StartAsync(settings: FastProbes, dataDirectory: data, cancellationToken: Ct))
            {
                var registry = server.Get<RegistryProjection>();
                (await server.Client.RegisterAsync("db", new { ip = "127.0.0.1", port, ephemeral = false })).EnsureSuccessStatusCode();

                var down = registry.Changes.WaitAsync(c => c.Key == Svc && c.Snapshot.Instances is [{ Healthy: false }], Ct);
                listener.Stop();
                await down;
                var list = await server.Client.ListAsync("db");
                Assert.False(Assert.Single(list.Instances).Healthy);

                var up = registry.Changes.WaitAsync(c => c.Key == Svc && c.Snapshot.Instances is [{ Healthy: true }], Ct);
                listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                await up;
                Assert.True(Assert.Single((await server.Client.ListAsync("db")).Instances).Healthy);
            }

            await using var restarted = await TestServer.StartAsync(settings: FastProbes, dataDirectory: data, cancellationToken: Ct);
            var again = Assert.Single((await restarted.Client.ListAsync("db")).Instances);
            Assert.Equal((port, false), (again.Port, again.Ephemeral));
        }
        finally
        {
            listener.Stop();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_probe_to_an_address_outside_the_allowed_networks_is_never_opened()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var target = await TinyHttpServer.StartAsync("/healthz", () => HttpStatusCode.OK, Ct);
        try
        {
            var fenced = new Dictionary<string, string?>(FastProbes) { ["Meridian:HealthChecks:AllowedNetworks:0"] = "10.0.0.0/8" };
            await using var server = await TestServer.StartAsync(settings: fenced, cancellationToken: Ct);
            var registry = server.Get<RegistryProjection>();
            var web = new ServiceKey("public", "DEFAULT_GROUP", "web");
            (await server.Client.PutAsJsonAsync(Paths.Service("web"), new
            {
                clusters = new Dictionary<string, object> { ["DEFAULT"] = new { healthCheck = new { type = "http", path = "/healthz" } } },
            }, Ct)).EnsureSuccessStatusCode();

            var tcpDown = registry.Changes.WaitAsync(c => c.Key == Svc && c.Snapshot.Instances is [{ Healthy: false }], Ct);
            var httpDown = registry.Changes.WaitAsync(c => c.Key == web && c.Snapshot.Instances is [{ Healthy: false }], Ct);
            (await server.Client.RegisterAsync("db", new { ip = "127.0.0.1", port = ((IPEndPoint)listener.LocalEndpoint).Port, ephemeral = false })).EnsureSuccessStatusCode();
            (await server.Client.RegisterAsync("web", new { ip = "127.0.0.1", port = target.Port, ephemeral = false })).EnsureSuccessStatusCode();
            await Task.WhenAll(tcpDown, httpDown);

            // Marked unhealthy after the failure threshold, and in all those rounds not one connection reached either.
            Assert.False(listener.Pending());
            Assert.Empty(target.Paths);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Invalid_allowed_networks_stop_the_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Meridian:HealthChecks:AllowedNetworks:0"] = "10.0.0.0/33" }, cancellationToken: Ct));
        Assert.Contains("AllowedNetworks has '10.0.0.0/33'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Persistent_instance_is_probed_over_HTTP_when_its_cluster_says_so()
    {
        var status = HttpStatusCode.OK;
        await using var target = await TinyHttpServer.StartAsync("/healthz", () => status, Ct);
        await using var server = await TestServer.StartAsync(settings: FastProbes, cancellationToken: Ct);
        var registry = server.Get<RegistryProjection>();
        (await server.Client.PutAsJsonAsync(Paths.Service("db"), new
        {
            clusters = new Dictionary<string, object> { ["DEFAULT"] = new { healthCheck = new { type = "http", path = "/healthz" } } },
        }, Ct)).EnsureSuccessStatusCode();
        (await server.Client.RegisterAsync("db", new { ip = "127.0.0.1", port = target.Port, ephemeral = false })).EnsureSuccessStatusCode();

        var down = registry.Changes.WaitAsync(c => c.Key == Svc && c.Snapshot.Instances is [{ Healthy: false }], Ct);
        status = HttpStatusCode.ServiceUnavailable;
        await down;

        var up = registry.Changes.WaitAsync(c => c.Key == Svc && c.Snapshot.Instances is [{ Healthy: true }], Ct);
        status = HttpStatusCode.OK;
        await up;
        Assert.Contains("/healthz", target.Paths);
    }

    [Fact]
    public async Task Persistent_instance_that_is_down_is_never_removed()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var server = await TestServer.StartAsync(time, cancellationToken: Ct);
        var registry = server.Get<RegistryProjection>();
        (await server.Client.RegisterAsync("db", new { ip = "127.0.0.1", port = 1, ephemeral = false })).EnsureSuccessStatusCode();

        time.Advance(TimeSpan.FromHours(1));
        await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        Assert.Single((await server.Client.ListAsync("db")).Instances);
    }
}
