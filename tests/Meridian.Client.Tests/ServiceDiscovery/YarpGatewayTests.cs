using Meridian.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Meridian.Client.Tests.ServiceDiscovery;

public sealed class YarpGatewayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_YARP_gateway_routes_to_every_instance_of_a_service_named_in_its_cluster()
    {
        await using var server = await ServerHost.StartAsync();
        await using var a = await ClientApp.StartAsync("a", [server.ClientAddress], "inventory");
        await using var b = await ClientApp.StartAsync("b", [server.ClientAddress], "inventory");
        await using var watcher = await ClientApp.StartAsync("watcher", [server.ClientAddress]);
        await watcher.Discovery.WaitForServingAsync("inventory", 2);

        var applied = new ResolvedDestinations("inventory", 2);
        await using var gateway = await ClientApp.StartAsync(
            "gateway", [server.ClientAddress],
            configure: builder => builder.Services.AddSingleton<IClusterChangeListener>(applied).AddReverseProxy()
                .LoadFromMemory(
                    [new RouteConfig
                    {
                        RouteId = "inventory",
                        ClusterId = "inventory",
                        Match = new RouteMatch { Path = "/api/{**rest}" },
                        Transforms = [new Dictionary<string, string> { ["PathPattern"] = "/{**rest}" }],
                    }],
                    [new ClusterConfig
                    {
                        ClusterId = "inventory",
                        LoadBalancingPolicy = "RoundRobin",
                        Destinations = new Dictionary<string, DestinationConfig> { ["inventory"] = new() { Address = "http://inventory" } },
                    }])
                .AddServiceDiscoveryDestinationResolver(),
            map: app => app.MapReverseProxy());

        // YARP resolves while the app is being built, before the client has connected; it re-resolves on the push.
        await applied.WaitAsync(gateway.Services);

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.Port}") };
        var seen = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            seen.Add(await client.GetStringAsync("/api/whoami", Ct));
        }

        Assert.Equal(["a", "b"], seen.Order());
    }

    /// <summary>Completes once YARP holds the cluster with the expected number of resolved destinations.</summary>
    private sealed class ResolvedDestinations(string cluster, int count) : IClusterChangeListener
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task WaitAsync(IServiceProvider services)
        {
            if (services.GetRequiredService<IProxyStateLookup>().TryGetCluster(cluster, out var state))
            {
                Check(state);
            }

            await _reached.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        }

        public void OnClusterAdded(ClusterState state) => Check(state);

        public void OnClusterChanged(ClusterState state) => Check(state);

        public void OnClusterRemoved(ClusterState state)
        {
        }

        private void Check(ClusterState state)
        {
            if (state.ClusterId == cluster && state.Destinations.Count == count)
            {
                _reached.TrySetResult();
            }
        }
    }
}
