using System.Diagnostics.Metrics;
using Meridian.Client.Telemetry;
using Meridian.Client.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Meridian.Client.Tests.Telemetry;

public sealed class ClientMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_client_meter_counts_connects_registrations_pushes_and_calls_with_no_instance_through_a_server_restart()
    {
        // The app's own meter factory, so measurements of other apps in this process are not counted.
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = meters.GetRequiredService<IMeterFactory>();
        using var connects = new MetricCollector<long>(factory, ClientMetrics.Name, "meridian.client.connects");
        using var connected = new MetricCollector<long>(factory, ClientMetrics.Name, "meridian.client.connected");
        using var registrations = new MetricCollector<long>(factory, ClientMetrics.Name, "meridian.client.registrations");
        using var pushes = new MetricCollector<long>(factory, ClientMetrics.Name, "meridian.client.pushes");
        using var noInstance = new MetricCollector<long>(factory, ClientMetrics.Name, "meridian.client.no_instance");
        using var failures = new MetricCollector<long>(factory, ClientMetrics.Name, "meridian.client.connect_failures");

        var server = await ServerHost.StartAsync();
        try
        {
            await using var app = await ClientApp.StartAsync("billing-1", [server.ClientAddress], "billing",
                configure: b => b.Services.AddSingleton(factory));
            await registrations.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(20));
            Assert.Equal("billing", registrations.LastMeasurement!.Tags["meridian.service"]);
            Assert.Equal(1, connects.GetMeasurementSnapshot().EvaluateAsCounter());
            Assert.Equal(1, connected.GetMeasurementSnapshot().Sum(m => m.Value));

            await app.Discovery.WaitForServingAsync("billing", 1);
            Assert.Contains(pushes.GetMeasurementSnapshot(), m => (string?)m.Tags["meridian.service"] == "billing");

            using var balanced = app.CreateClient();
            await Assert.ThrowsAsync<HttpRequestException>(() => balanced.GetAsync("http://nobody-runs-this/", Ct));
            Assert.Equal("nobody-runs-this", Assert.Single(noInstance.GetMeasurementSnapshot()).Tags["meridian.service"]);

            // The server goes away and comes back on the same ports: a lost session, failed attempts, a reconnect that
            // registers again.
            var registered = registrations.GetMeasurementSnapshot().Count;
            var (data, http, grpc) = (server.DataDirectory, server.HttpPort, server.GrpcPort);
            await server.StopAsync();
            await failures.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(20));
            Assert.Equal(0, connected.GetMeasurementSnapshot().Sum(m => m.Value));
            server = await ServerHost.StartAsync(data, http, grpc);
            await registrations.WaitForMeasurementsAsync(registered + 1, TimeSpan.FromSeconds(20));
            Assert.Equal(2, connects.GetMeasurementSnapshot().EvaluateAsCounter());
            Assert.Equal(1, connected.GetMeasurementSnapshot().Sum(m => m.Value));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
