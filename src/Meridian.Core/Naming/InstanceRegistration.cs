namespace Meridian.Naming;

/// <summary>What a client asks to register. Absent values take the registry defaults.</summary>
public sealed record InstanceRegistration
{
    public string? InstanceId { get; init; }
    public string Ip { get; init; } = "";
    public int Port { get; init; }
    public double? Weight { get; init; }
    public bool? Healthy { get; init; }
    public bool? Enabled { get; init; }
    public bool? Ephemeral { get; init; }
    public string? Cluster { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
