using Meridian.Client.Discovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Client.LoadBalancing;

/// <summary>
/// Picks an instance of a service by the rule configured for it
/// (<c>Meridian:LoadBalancing:Services:&lt;name&gt;:Rule</c>, default <c>Meridian:LoadBalancing:Rule</c>), skipping
/// instances the call already tried and instances suspect after a refused connection.
/// </summary>
public sealed partial class MeridianLoadBalancer
{
    private readonly MeridianDiscovery _discovery;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger<MeridianLoadBalancer> _logger;
    private readonly MeridianClientOptions _options;

    internal MeridianLoadBalancer(
        MeridianDiscovery discovery, TimeProvider time, Random random, IOptions<MeridianClientOptions> options, ILogger<MeridianLoadBalancer> logger)
    {
        _discovery = discovery;
        _time = time;
        _random = random;
        _logger = logger;
        _options = options.Value;
    }

    /// <summary>An instance to call, or null when none may take traffic.</summary>
    public async ValueTask<ServiceInstance?> PickAsync(string service, CancellationToken cancellationToken = default)
    {
        var cached = await _discovery.ResolveAsync(_discovery.Id(service, null), cancellationToken);
        var index = Pick(cached, null, out var set);
        return index < 0 ? null : set.Items[index];
    }

    internal ValueTask<CachedService> ResolveAsync(string service, CancellationToken cancellationToken) =>
        _discovery.ResolveAsync(_discovery.Id(service, null), cancellationToken);

    /// <summary>
    /// The hot path: picks from the service's current list, allocation-free. Same-cluster-first stays in the caller's
    /// cluster while it has an instance this call has not tried and that is not suspect, and otherwise picks across
    /// all clusters. When every instance is tried or suspect, an untried suspect one is still better than none.
    /// </summary>
    internal int Pick(CachedService service, TriedInstances? tried, out WeightedSet set)
    {
        var current = service.Current;
        var now = _time.GetTimestamp();
        if (service.Rule == LoadBalancingRule.SameClusterFirst && current.LocalSet.Count > 0)
        {
            set = current.LocalSet;
            var local = InstancePicker.Pick(service, set, service.Rule, tried, now, _random);
            if (local >= 0)
            {
                return local;
            }
        }

        set = current.ServingSet;
        var index = InstancePicker.Pick(service, set, service.Rule, tried, now, _random);
        if (index < 0 && service.Rule == LoadBalancingRule.SameClusterFirst && current.LocalSet.Count > 0)
        {
            set = current.LocalSet;
            index = InstancePicker.Untried(service, set, tried);
        }

        if (index < 0)
        {
            set = current.ServingSet;
            index = InstancePicker.Untried(service, set, tried);
        }

        if (index >= 0 && service.Rule == LoadBalancingRule.SameClusterFirst && ReferenceEquals(set, current.ServingSet) &&
            !string.Equals(set.Items[index].Cluster, _options.ClusterName, StringComparison.Ordinal) &&
            Interlocked.Exchange(ref current.CrossClusterReported, 1) == 0)
        {
            LogCrossCluster(_logger, service.Id.Name, _options.ClusterName, current.LocalSet.Count);
        }

        return index;
    }

    /// <summary>Whether the service lists an instance that may take traffic and that this call has not tried.</summary>
    internal static bool HasUntried(TriedInstances tried)
    {
        var serving = tried.Service.Current.ServingSet;
        foreach (var instance in serving.Items)
        {
            if (!tried.Contains(instance))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Keeps an instance that refused a connection out of rotation for <c>FailureCooldown</c> (while an untried one
    /// not suspect is left), or until it answers again.
    /// </summary>
    internal void Suspect(InstanceStats stats) =>
        stats.SuspectUntil(_time.GetTimestamp() + (long)(_options.LoadBalancing.FailureCooldown.TotalSeconds * _time.TimestampFrequency));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A cross-cluster call occurs: {Service} has no instance left for this call in cluster {Cluster} ({Local} serving there, each tried by the call or refusing connections); using other clusters")]
    private static partial void LogCrossCluster(ILogger logger, string service, string cluster, int local);
}
