namespace Meridian.Naming;

/// <summary>A partial update of an instance; null members stay as they are.</summary>
public sealed record InstancePatch
{
    public double? Weight { get; init; }
    public bool? Enabled { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
