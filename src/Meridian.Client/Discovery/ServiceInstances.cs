namespace Meridian.Client.Discovery;

/// <summary>One service's instance list at one revision, as pushed by the server or read back from disk.</summary>
public sealed class ServiceInstances
{
    internal ServiceInstances(
        string ns, string group, string service, long revision, bool fromSnapshot, double protectThreshold,
        IReadOnlyList<ServiceInstance> all, WeightedSet serving, WeightedSet local)
    {
        Namespace = ns;
        Group = group;
        Service = service;
        Revision = revision;
        FromSnapshot = fromSnapshot;
        ProtectThreshold = protectThreshold;
        All = all;
        ServingSet = serving;
        LocalSet = local;
    }

    public string Namespace { get; }
    public string Group { get; }
    public string Service { get; }

    /// <summary>Grows with every change; the client ignores pushes older than what it holds.</summary>
    public long Revision { get; }

    /// <summary>True when read from the on-disk snapshot and not yet confirmed by a server.</summary>
    public bool FromSnapshot { get; }

    public double ProtectThreshold { get; }

    /// <summary>Every instance, whatever its state.</summary>
    public IReadOnlyList<ServiceInstance> All { get; }

    /// <summary>The instances traffic goes to: healthy, enabled, weight above 0 (all enabled ones past the protect threshold).</summary>
    public IReadOnlyList<ServiceInstance> Serving => ServingSet.Items;

    internal WeightedSet ServingSet { get; }

    /// <summary>Serving instances in the caller's own cluster.</summary>
    internal WeightedSet LocalSet { get; }

    /// <summary>Set once a cross-cluster fallback was reported for this revision, so it is logged once, not per call.</summary>
    internal int CrossClusterReported;

    internal static ServiceInstances Empty(ServiceId id) =>
        new(id.Namespace, id.Group, id.Name, -1, false, 0, [], WeightedSet.Empty, WeightedSet.Empty);
}
