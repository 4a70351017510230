namespace Meridian.Naming;

/// <summary>One registered instance. Immutable: every change builds a new one, so snapshots can be shared freely.</summary>
public sealed record Instance
{
    public required string InstanceId { get; init; }
    public required string Ip { get; init; }
    public required int Port { get; init; }
    public double Weight { get; init; } = 1;
    public bool Healthy { get; init; } = true;
    public bool Enabled { get; init; } = true;
    public bool Ephemeral { get; init; } = true;
    public string Cluster { get; init; } = ServiceKey.DefaultCluster;
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    /// <summary>True when the instance may receive traffic: healthy, enabled and with a weight above zero.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsServing => Healthy && Enabled && Weight > 0;

    internal static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>(0);

    public static string DefaultId(string ip, int port, string cluster, ServiceKey service) =>
        $"{ip}#{port}#{cluster}#{service.GroupedName}";
}
