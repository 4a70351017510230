using System.ComponentModel.DataAnnotations;

namespace Meridian.Naming;

/// <summary>Registry settings, bound from the <c>Meridian:Registry</c> section.</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Meridian:Registry";

    /// <summary>An ephemeral instance without a heartbeat for this long is marked unhealthy (Nacos: 15 s).</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>An ephemeral instance without a heartbeat for this long is removed (Nacos: 30 s).</summary>
    public TimeSpan DeleteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The interval clients are told to send heartbeats at.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often expired ephemeral instances are looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Instance metadata keys that override the server's timeouts per instance, in milliseconds, as Nacos reads them.</summary>
public static class PreservedMetadata
{
    public const string HeartbeatInterval = "preserved.heart.beat.interval";
    public const string HeartbeatTimeout = "preserved.heart.beat.timeout";
    public const string DeleteTimeout = "preserved.ip.delete.timeout";
}
