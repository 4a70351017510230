using BenchmarkDotNet.Attributes;
using Meridian.Client;
using Meridian.Client.Connection;
using Meridian.Client.Discovery;
using Meridian.Client.LoadBalancing;
using Meridian.Contracts.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Meridian.Benchmarks.LoadBalancing;

/// <summary>
/// The client's per-call instance selection over a pushed list of 16 instances in two clusters (one with weight 0):
/// the pick alone, and the whole lookup-plus-pick a balanced HttpClient call does. Both must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class InstanceSelectionBenchmarks
{
    private const string Service = "userservice";

    private MeridianLoadBalancer _balancer = null!;
    private CachedService _service = null!;

    [Params(LoadBalancingRule.RoundRobin, LoadBalancingRule.Random, LoadBalancingRule.WeightedRandom,
        LoadBalancingRule.SameClusterFirst, LoadBalancingRule.LeastOutstanding)]
    public LoadBalancingRule Rule { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new MeridianClientOptions
        {
            ServerAddresses = ["127.0.0.1:9848"],
            ClusterName = "east",
            LoadBalancing = new MeridianLoadBalancingOptions { Rule = Rule },
            Discovery = new MeridianDiscoveryOptions { SnapshotDirectory = Path.Combine(Path.GetTempPath(), "meridian-bench") },
        });
        var cache = new ServiceCache(options, new SnapshotStore(options, NullLogger<SnapshotStore>.Instance), NullLogger<ServiceCache>.Instance);
        var meters = new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddMetrics().BuildServiceProvider()
            .GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var connection = new MeridianConnection(options, cache, TimeProvider.System, new Meridian.Client.Telemetry.ClientMetrics(meters), NullLogger<MeridianConnection>.Instance);
        var discovery = new MeridianDiscovery(cache, connection, TimeProvider.System, options, NullLogger<MeridianDiscovery>.Instance);
        _balancer = new MeridianLoadBalancer(discovery, TimeProvider.System, Random.Shared, options, NullLogger<MeridianLoadBalancer>.Instance);

        _service = cache.GetOrAdd(discovery.Id(Service, null), out _);
        var push = new ServicePush
        {
            Service = new ServiceRef { Namespace = "public", Group = "DEFAULT_GROUP", Service = Service },
            Revision = 1,
        };
        for (var i = 0; i < 16; i++)
        {
            push.Instances.Add(new Instance
            {
                InstanceId = $"10.0.0.{i}#8080",
                Ip = $"10.0.0.{i}",
                Port = 8080,
                Weight = i == 15 ? 0 : 1 + i % 3,
                Healthy = true,
                Enabled = true,
                Cluster = i % 2 == 0 ? "east" : "west",
            });
        }

        cache.Apply(push);
    }

    [Benchmark]
    public ServiceInstance Pick()
    {
        var index = _balancer.Pick(_service, null, out var set);
        return set.Items[index];
    }

    [Benchmark]
    public ServiceInstance ResolveAndPick()
    {
        var resolved = _balancer.ResolveAsync(Service, CancellationToken.None);
        var service = resolved.Result;
        var index = _balancer.Pick(service, null, out var set);
        return set.Items[index];
    }
}
