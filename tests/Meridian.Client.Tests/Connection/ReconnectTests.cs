using System.Diagnostics;
using Meridian.Client.Connection;
using Meridian.Client.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meridian.Client.Tests.Connection;

/// <summary>With its default settings a client is back within a second of its server answering again, however long the outage.</summary>
public sealed class ReconnectTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_an_outage_a_client_with_default_settings_reconnects_within_a_second_of_the_server_answering()
    {
        var server = await ServerHost.StartAsync();
        var (data, http, grpc) = (server.DataDirectory, server.HttpPort, server.GrpcPort);
        // The test harness shortens the reconnect delays; this test measures the defaults.
        var defaults = new Dictionary<string, string?> { ["Meridian:Connection:MinReconnectDelay"] = null, ["Meridian:Connection:MaxReconnectDelay"] = null };
        await using var provider = await ClientApp.StartAsync("provider", [server.ClientAddress], "comeback-svc", defaults);
        var failures = 0;
        var capped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var watcher = await ClientApp.StartAsync("watcher", [server.ClientAddress], settings: defaults,
            configure: builder => builder.Logging.AddFakeLogging(o => o.OutputSink = line =>
            {
                // Windows of 0.1, 0.2, 0.4 and 0.8 s, then the 1 s cap: after the sixth failed attempt the backoff is at its cap.
                if (line.Contains("Could not connect", StringComparison.Ordinal) && Interlocked.Increment(ref failures) == 6)
                {
                    capped.TrySetResult();
                }
            }));
        var before = await watcher.Discovery.WaitForServingAsync("comeback-svc", 1);
        var connection = watcher.Services.GetRequiredService<MeridianConnection>();

        await server.StopAsync();
        // The outage lasts until the backoff has reached its cap: the longest a client can be asleep when the server returns.
        await capped.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.False(connection.IsConnected);

        await using var restarted = await ServerHost.StartAsync(data, http, grpc);
        // From when it answers: its readiness probe says so (and the probe, not the client, pays for the first request's start-up).
        Assert.Equal(System.Net.HttpStatusCode.OK, (await restarted.Http.GetAsync("/health/ready", Ct)).StatusCode);
        var answering = Stopwatch.StartNew();
        await connection.WaitForConnectionAsync(Ct);
        var reconnected = answering.Elapsed;
        var after = await watcher.Discovery.WaitForAsync("comeback-svc", s => s.Revision > before.Revision && s.Serving.Count == 1);
        var resolved = answering.Elapsed;

        Assert.Equal(provider.Port, after.Serving[0].Port);
        // 1 s is the longest the backoff waits (half a second on average); the rest is a connection's set-up (log-in
        // included), which on 2 cores running the whole suite at once can take most of another second.
        Assert.True(reconnected < TimeSpan.FromSeconds(2), $"Reconnected {reconnected.TotalMilliseconds:F0} ms after the server answered again.");
        Assert.True(resolved < TimeSpan.FromSeconds(3), $"The provider's instance was served again {resolved.TotalMilliseconds:F0} ms after the server answered.");
        TestContext.Current.SendDiagnosticMessage($"reconnected after {reconnected.TotalMilliseconds:F0} ms, provider served after {resolved.TotalMilliseconds:F0} ms");
    }
}
