namespace Meridian.Naming;

/// <summary>A cluster of a service and how the server probes its persistent instances.</summary>
public sealed record ClusterDefinition
{
    public required string Name { get; init; }
    public HealthCheckDefinition HealthCheck { get; init; } = HealthCheckDefinition.Tcp;
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = Instance.EmptyMetadata;

    public static ClusterDefinition ForName(string name) => new() { Name = name };
}

public enum HealthCheckType
{
    Tcp,
    Http,
    None,
}

/// <summary>How persistent instances of a cluster are probed. <see cref="Port"/> null means the instance's own port.</summary>
public sealed record HealthCheckDefinition
{
    public static readonly HealthCheckDefinition Tcp = new();

    public HealthCheckType Type { get; init; } = HealthCheckType.Tcp;
    public string Path { get; init; } = "/";
    public int? Port { get; init; }
}
