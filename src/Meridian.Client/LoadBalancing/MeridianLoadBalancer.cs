using Meridian.Client.Discovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Client.LoadBalancing;

/// <summary>
/// Picks an instance of a service by the rule configured for it
/// (<c>Meridian:LoadBalancing:Services:&lt;name&gt;:Rule</c>, default <c>Meridian:LoadBalancing:Rule</c>).
/// </summary>
public sealed partial class MeridianLoadBalancer
{
    private readonly MeridianDiscovery _discovery;
    private readonly TimeProvider _time;
    private readonly ILogger<MeridianLoadBalancer> _logger;
    private readonly MeridianClientOptions _options;

    internal MeridianLoadBalancer(MeridianDiscovery discovery, TimeProvider time, IOptions<MeridianClientOptions> options, ILogger<MeridianLoadBalancer> logger)
    {
        _discovery = discovery;
        _time = time;
        _logger = logger;
        _options = options.Value;
    }

    /// <summary>An instance to call, or null when none may take traffic.</summary>
    public async ValueTask<ServiceInstance?> PickAsync(string service, CancellationToken cancellationToken = default)
    {
        var cached = await _discovery.ResolveAsync(_discovery.Id(service, null), cancellationToken);
        var tried = default(TriedInstances);
        var index = Pick(cached, tried, out var set);
        return index < 0 ? null : set.Items[index];
    }

    internal ValueTask<CachedService> ResolveAsync(string service, CancellationToken cancellationToken) =>
        _discovery.ResolveAsync(_discovery.Id(service, null), cancellationToken);

    /// <summary>The hot path: picks from the service's current list. Allocation-free.</summary>
    internal int Pick(CachedService service, in TriedInstances tried, out WeightedSet set)
    {
        var current = service.Current;
        set = current.ServingSet;
        if (service.Rule == LoadBalancingRule.SameClusterFirst)
        {
            if (current.LocalSet.Count > 0)
            {
                set = current.LocalSet;
            }
            else if (set.Count > 0 && Interlocked.Exchange(ref current.CrossClusterReported, 1) == 0)
            {
                LogCrossCluster(_logger, service.Id.Name, _options.ClusterName, set.Count);
            }
        }

        return InstancePicker.Pick(service, set, service.Rule, tried, _time.GetTimestamp());
    }

    /// <summary>Keeps a refusing instance out of rotation for the cool-down, unless a push brings it back sooner.</summary>
    internal void Refused(InstanceStats stats) =>
        stats.CoolUntil(_time.GetTimestamp() + (long)(_options.LoadBalancing.FailureCooldown.TotalSeconds * _time.TimestampFrequency));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A cross-cluster call occurs: {Service} has no instance taking traffic in cluster {Cluster}; using {Count} instance(s) of other clusters")]
    private static partial void LogCrossCluster(ILogger logger, string service, string cluster, int count);
}
