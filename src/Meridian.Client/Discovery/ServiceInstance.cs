namespace Meridian.Client.Discovery;

/// <summary>One instance of a service as the registry last described it.</summary>
public sealed record ServiceInstance
{
    public required string InstanceId { get; init; }
    public required string Host { get; init; }
    public required int Port { get; init; }
    public double Weight { get; init; } = 1;
    public bool Healthy { get; init; } = true;
    public bool Enabled { get; init; } = true;
    public string Cluster { get; init; } = "DEFAULT";
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = Empty;

    /// <summary>True when it may receive traffic: healthy, enabled and weighted above zero.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsServing => Healthy && Enabled && Weight > 0;

    internal static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(0);
}
