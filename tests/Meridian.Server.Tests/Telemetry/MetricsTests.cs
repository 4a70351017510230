using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Meridian.Contracts.V1;
using Meridian.Server.Tests.Api.Config;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Telemetry;

/// <summary>/metrics scraped from a real server process after real traffic: each series counts what happened.</summary>
public sealed class MetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_scrape_after_traffic_shows_the_named_series_with_the_right_counts()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using var server = await ServerProcess.StartAsync(data, Ct, "--Meridian:Limits:MaxConfigsPerNamespace=2");
            await using var watcher = await RawConnection.OpenAsync(server.GrpcAddress, "watcher", Ct, sayHello: true, server.Token);
            Assert.True((await watcher.RequestAsync(new ClientMessage { SubscribeService = new SubscribeService { Service = new ServiceRef { Service = "billing" } } }, Ct)).Ok);

            for (var port = 1; port <= 2; port++)
            {
                using var registered = await server.Client.RegisterAsync("billing", new { ip = "10.0.0.1", port });
                Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            }

            using (var other = await server.Client.RegisterAsync("shipping", new { ip = "10.0.0.2", port = 80 }))
            {
                Assert.Equal(HttpStatusCode.Created, other.StatusCode);
            }

            var billing = (await server.Client.ListAsync("billing")).Instances[0].InstanceId;
            for (var i = 0; i < 4; i++)
            {
                using var beat = await server.Client.PutAsync($"{Paths.Instances("billing")}/{Uri.EscapeDataString(billing)}/heartbeat", null, Ct);
                Assert.True(beat.IsSuccessStatusCode, $"heartbeat answered {(int)beat.StatusCode}");
            }

            Assert.Equal(HttpStatusCode.Created, (await server.Client.PutConfigAsync("a.yaml", new { content = "a: 1" })).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await server.Client.PutConfigAsync("b.yaml", new { content = "b: 1" })).StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await server.Client.PutConfigAsync("c.yaml", new { content = "c: 1" })).StatusCode);
            // The second registration's push has reached the watcher's outbox once it is on the wire.
            await watcher.NextAsync(m => m.BodyCase is ServerMessage.BodyOneofCase.ServicePush or ServerMessage.BodyOneofCase.ServiceDelta
                && (m.ServicePush?.Instances.Count == 2 || m.ServiceDelta is not null), Ct);

            using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics", Ct)).StatusCode);

            var text = await server.Client.GetStringAsync("/metrics", Ct);
            Assert.Equal(3, Value(text, "meridian_instances"));
            Assert.Equal(2, Value(text, "meridian_services"));
            Assert.Equal(2, Value(text, "meridian_configs"));
            Assert.Equal(1, Value(text, "meridian_connections"));
            Assert.Equal(1, Value(text, "meridian_subscriptions"));
            Assert.Equal(3, Value(text, "meridian_instances_registered_total"));
            Assert.Equal(4, Value(text, "meridian_heartbeats_total"));
            Assert.Equal(2, Value(text, "meridian_config_publishes_total"));
            Assert.Equal(1, Value(text, "meridian_rejections_total", "limit=\"MaxConfigsPerNamespace\""));
            Assert.True(Value(text, "meridian_pushes_total", "kind=\"service\"") >= 2, text);
            Assert.True(Value(text, "meridian_push_fanout_duration_seconds_count", "kind=\"service\"") >= 2, text);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The value of a series in the Prometheus text format, whatever other labels it carries.</summary>
    private static double Value(string text, string name, string? label = null)
    {
        var pattern = $@"^{Regex.Escape(name)}(\{{(?<labels>[^}}]*)\}})? (?<value>\S+)";
        foreach (Match match in Regex.Matches(text, pattern, RegexOptions.Multiline))
        {
            if (label is null || match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            {
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        throw new Xunit.Sdk.XunitException($"No series {name}{(label is null ? "" : $" with {label}")} in:\n{text}");
    }
}
