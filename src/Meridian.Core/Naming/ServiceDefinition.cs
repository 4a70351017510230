namespace Meridian.Naming;

/// <summary>The settings of a service that outlive its instances.</summary>
public sealed record ServiceDefinition
{
    public static readonly ServiceDefinition Default = new();

    /// <summary>0..1: when the healthy share of a list falls below it, unhealthy instances are returned too.</summary>
    public double ProtectThreshold { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = Instance.EmptyMetadata;
    public IReadOnlyDictionary<string, ClusterDefinition> Clusters { get; init; } = new Dictionary<string, ClusterDefinition>(0);

    public ClusterDefinition GetCluster(string name) =>
        Clusters.TryGetValue(name, out var cluster) ? cluster : ClusterDefinition.ForName(name);
}
