namespace Meridian.Naming;

/// <summary>Which instances a list asks for. <see cref="Clusters"/> empty means every cluster.</summary>
public readonly record struct InstanceFilter(bool HealthyOnly, IReadOnlyCollection<string>? Clusters = null)
{
    public static readonly InstanceFilter All = new(false);
}

/// <summary>
/// The answer to an instance list. When <see cref="ReachedProtectThreshold"/> is true the healthy share fell below the
/// service's protect threshold and unhealthy instances are included so traffic spreads instead of crushing the survivors.
/// </summary>
public readonly record struct InstanceList(ServiceSnapshot Snapshot, System.Collections.Immutable.ImmutableArray<Instance> Instances, bool ReachedProtectThreshold);

/// <summary>A page of services.</summary>
public sealed record ServicePage(int Total, IReadOnlyList<ServiceSnapshot> Items);
