using Meridian.Naming;

namespace Meridian.Protocols.Eureka;

/// <summary>
/// Eureka instance statuses and how they sit on Meridian's healthy/enabled flags: UP is healthy and enabled,
/// OUT_OF_SERVICE is healthy but disabled (taken out of traffic on purpose), DOWN, STARTING and UNKNOWN are enabled
/// but not healthy. The status a Eureka client gave is kept in metadata so it round-trips while the flags agree.
/// </summary>
internal static class EurekaStatus
{
    public const string Up = "UP";
    public const string Down = "DOWN";
    public const string Starting = "STARTING";
    public const string OutOfService = "OUT_OF_SERVICE";
    public const string Unknown = "UNKNOWN";

    /// <summary>In Eureka's hash-code order (alphabetical, as its TreeMap walks them).</summary>
    public static readonly string[] All = [Down, OutOfService, Starting, Unknown, Up];

    public static string? Normalize(string? status)
    {
        if (string.IsNullOrWhiteSpace(status))
        {
            return null;
        }

        foreach (var known in All)
        {
            if (string.Equals(known, status.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return null;
    }

    public static (bool Healthy, bool Enabled) ToFlags(string status) => status switch
    {
        Up => (true, true),
        OutOfService => (true, false),
        _ => (false, true),
    };

    /// <summary>The status Eureka clients see: the stored one while the flags still agree with it, else what the flags say.</summary>
    public static string Of(Instance instance)
    {
        if (instance.Metadata.TryGetValue(EurekaMetadata.Status, out var stored) && Normalize(stored) is { } known &&
            ToFlags(known) == (instance.Healthy, instance.Enabled))
        {
            return known;
        }

        return !instance.Enabled ? OutOfService : !instance.Healthy ? Down : Up;
    }

    /// <summary>Statuses a client sets on purpose that a renewal must not turn back into UP.</summary>
    public static bool IsDeliberatelyNotUp(Instance instance) =>
        instance.Metadata.TryGetValue(EurekaMetadata.Status, out var stored) && Normalize(stored) is Down or Starting or Unknown;
}
