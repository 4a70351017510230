using Meridian.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Meridian.Client.Tests.LoadBalancing;

/// <summary>Two or three real apps register through their own clients; a caller reaches them by service name.</summary>
public sealed class BalancingThroughHttpClientTests
{
    private const string Service = "userservice";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => (string?)p.Value);

    private static async Task<Dictionary<string, int>> CallAsync(HttpClient client, int calls)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < calls; i++)
        {
            var who = await client.GetStringAsync($"http://{Service}/whoami", Ct);
            counts[who] = counts.GetValueOrDefault(who) + 1;
        }

        return counts;
    }

    [Fact]
    public async Task Round_robin_reaches_both_instances_in_strict_alternation()
    {
        await using var server = await ServerHost.StartAsync();
        await using var a = await ClientApp.StartAsync("a", [server.ClientAddress], Service);
        await using var b = await ClientApp.StartAsync("b", [server.ClientAddress], Service);
        await using var caller = await ClientApp.StartAsync("caller", [server.ClientAddress]);
        await caller.Discovery.WaitForServingAsync(Service, 2);

        using var client = caller.CreateClient();
        var sequence = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            sequence.Add(await client.GetStringAsync($"http://{Service}/whoami", Ct));
        }

        for (var i = 1; i < sequence.Count; i++)
        {
            Assert.NotEqual(sequence[i - 1], sequence[i]);
        }

        Assert.Equal(["a", "b"], sequence.Distinct().Order());
    }

    [Fact]
    public async Task Weights_1_to_3_split_4000_calls_within_statistical_bounds()
    {
        await using var server = await ServerHost.StartAsync();
        await using var light = await ClientApp.StartAsync("light", [server.ClientAddress], Service, Settings(("Meridian:Weight", "1")));
        await using var heavy = await ClientApp.StartAsync("heavy", [server.ClientAddress], Service, Settings(("Meridian:Weight", "3")));
        await using var caller = await ClientApp.StartAsync(
            "caller", [server.ClientAddress], settings: Settings(($"Meridian:LoadBalancing:Services:{Service}:Rule", "WeightedRandom")));
        await caller.Discovery.WaitForServingAsync(Service, 2);

        using var client = caller.CreateClient();
        var counts = await CallAsync(client, 4000);

        // Binomial(4000, 1/4): mean 1000, σ ≈ 27.4; ±5σ fails a correct balancer about once in 1.7 million runs.
        Assert.Equal(4000, counts["light"] + counts["heavy"]);
        Assert.InRange(counts["light"], 863, 1137);
    }

    [Fact]
    public async Task An_instance_with_weight_0_gets_no_traffic()
    {
        await using var server = await ServerHost.StartAsync();
        await using var drained = await ClientApp.StartAsync("drained", [server.ClientAddress], Service, Settings(("Meridian:Weight", "0")));
        await using var live = await ClientApp.StartAsync("live", [server.ClientAddress], Service);
        foreach (var rule in (string[])["RoundRobin", "Random", "WeightedRandom", "LeastOutstanding"])
        {
            await using var caller = await ClientApp.StartAsync(
                "caller-" + rule, [server.ClientAddress], settings: Settings(($"Meridian:LoadBalancing:Rule", rule)));
            await caller.Discovery.WaitForAsync(Service, s => s.All.Count == 2);

            using var client = caller.CreateClient();
            var counts = await CallAsync(client, 200);

            Assert.Equal(200, counts.GetValueOrDefault("live"));
            Assert.False(counts.ContainsKey("drained"), $"{rule} sent traffic to the weight-0 instance");
        }
    }

    [Fact]
    public async Task Same_cluster_first_stays_in_its_cluster_while_it_is_healthy_and_falls_back_when_not()
    {
        var healthy = true;
        await using var server = await ServerHost.StartAsync();
        await using var east = await ClientApp.StartAsync(
            "east", [server.ClientAddress], Service, Settings(("Meridian:ClusterName", "east")),
            builder =>
            {
                builder.Services.AddHealthChecks().AddCheck("toggle", () => healthy
                    ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
                    : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("switched off by the test"));
                builder.Services.Configure<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckPublisherOptions>(o =>
                {
                    o.Delay = TimeSpan.Zero;
                    o.Period = TimeSpan.FromSeconds(1);
                });
            });
        await using var west = await ClientApp.StartAsync("west", [server.ClientAddress], Service, Settings(("Meridian:ClusterName", "west")));
        await using var caller = await ClientApp.StartAsync(
            "caller", [server.ClientAddress],
            settings: Settings(("Meridian:ClusterName", "east"), ($"Meridian:LoadBalancing:Services:{Service}:Rule", "SameClusterFirst")));
        await caller.Discovery.WaitForServingAsync(Service, 2);

        using var client = caller.CreateClient();
        Assert.Equal(new Dictionary<string, int> { ["east"] = 300 }, await CallAsync(client, 300));

        healthy = false;
        await caller.Discovery.WaitForAsync(Service, s => s.Serving.Count == 1 && s.Serving[0].Cluster == "west");

        Assert.Equal(new Dictionary<string, int> { ["west"] = 100 }, await CallAsync(client, 100));

        healthy = true;
        await caller.Discovery.WaitForServingAsync(Service, 2);
        Assert.Equal(new Dictionary<string, int> { ["east"] = 100 }, await CallAsync(client, 100));
    }

    [Fact]
    public async Task Least_outstanding_sends_everything_to_the_other_instance_while_one_call_is_in_flight()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ServerHost.StartAsync();
        await using var one = await ClientApp.StartAsync("one", [server.ClientAddress], Service, map: app => app.MapGet("/hold", async () =>
        {
            entered.TrySetResult("one");
            await release.Task;
            return "one";
        }));
        await using var two = await ClientApp.StartAsync("two", [server.ClientAddress], Service, map: app => app.MapGet("/hold", async () =>
        {
            entered.TrySetResult("two");
            await release.Task;
            return "two";
        }));
        await using var caller = await ClientApp.StartAsync(
            "caller", [server.ClientAddress], settings: Settings(($"Meridian:LoadBalancing:Services:{Service}:Rule", "LeastOutstanding")));
        await caller.Discovery.WaitForServingAsync(Service, 2);

        using var client = caller.CreateClient();
        var held = client.GetStringAsync($"http://{Service}/hold", Ct);
        var busy = await entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var counts = await CallAsync(client, 50);
        release.TrySetResult();

        Assert.Equal(busy, await held);
        Assert.Equal(new Dictionary<string, int> { [busy == "one" ? "two" : "one"] = 50 }, counts);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_on_another_instance()
    {
        await using var server = await ServerHost.StartAsync();
        await using var live = await ClientApp.StartAsync("live", [server.ClientAddress], Service);
        // An instance whose process is gone but whose registration is still listed: nothing listens on its port.
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var deadPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var registered = await server.Http.PostAsync(
            $"/v1/namespaces/public/groups/DEFAULT_GROUP/services/{Service}/instances",
            System.Net.Http.Json.JsonContent.Create(new { ip = "127.0.0.1", port = deadPort }), Ct);
        registered.EnsureSuccessStatusCode();
        await using var caller = await ClientApp.StartAsync("caller", [server.ClientAddress]);
        await caller.Discovery.WaitForServingAsync(Service, 2);

        using var client = caller.CreateClient();
        var counts = await CallAsync(client, 20);

        Assert.Equal(20, counts["live"]);
    }
}
