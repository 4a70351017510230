using Meridian.Contracts.V1;

namespace Meridian.Client.Discovery;

/// <summary>Turns a pushed (or stored) list into a <see cref="ServiceInstances"/> ready for picking.</summary>
internal static class InstanceSetBuilder
{
    public static ServiceInstances FromPush(CachedService service, ServicePush push, string localCluster)
    {
        var all = new ServiceInstance[push.Instances.Count];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = FromWire(push.Instances[i]);
        }

        return Build(service, all, push.Revision, fromSnapshot: false, push.ProtectThreshold, localCluster);
    }

    public static ServiceInstance FromWire(Instance wire) => new()
    {
        InstanceId = wire.InstanceId,
        Host = wire.Ip,
        Port = wire.Port,
        Weight = wire.Weight,
        Healthy = wire.Healthy,
        Enabled = wire.Enabled,
        Cluster = string.IsNullOrEmpty(wire.Cluster) ? "DEFAULT" : wire.Cluster,
        Metadata = wire.Metadata.Count == 0 ? ServiceInstance.Empty : new Dictionary<string, string>(wire.Metadata, StringComparer.Ordinal),
    };

    public static ServiceInstances Build(
        CachedService service, ServiceInstance[] all, long revision, bool fromSnapshot, double protectThreshold, string localCluster)
    {
        var serving = Serving(all, protectThreshold);
        var local = serving.Where(i => string.Equals(i.Cluster, localCluster, StringComparison.Ordinal)).ToArray();
        ForgetGone(service, all);
        return new ServiceInstances(
            service.Id.Namespace, service.Id.Group, service.Id.Name, revision, fromSnapshot, protectThreshold, all,
            Prepare(service, serving), Prepare(service, local));
    }

    /// <summary>
    /// Healthy, enabled, weighted instances; when the healthy share falls below the protect threshold, every enabled
    /// weighted one, so traffic spreads instead of crushing the few survivors (as the server's own lists do).
    /// </summary>
    private static ServiceInstance[] Serving(ServiceInstance[] all, double protectThreshold)
    {
        var serving = all.Where(i => i.IsServing).ToArray();
        if (all.Length > 0 && protectThreshold > 0 && (double)serving.Length / all.Length < protectThreshold)
        {
            return [.. all.Where(i => i.Enabled && i.Weight > 0)];
        }

        return serving;
    }

    private static WeightedSet Prepare(CachedService service, ServiceInstance[] items)
    {
        if (items.Length == 0)
        {
            return WeightedSet.Empty;
        }

        var stats = new InstanceStats[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            stats[i] = service.Stats.GetOrAdd(items[i].InstanceId, static _ => new InstanceStats());
        }

        return new WeightedSet(items, stats);
    }

    private static void ForgetGone(CachedService service, ServiceInstance[] all)
    {
        foreach (var id in service.Stats.Keys)
        {
            if (!all.Any(i => i.InstanceId == id))
            {
                service.Stats.TryRemove(id, out _);
            }
        }
    }
}
