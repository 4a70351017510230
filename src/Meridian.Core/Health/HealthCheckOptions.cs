namespace Meridian.Health;

/// <summary>How the server probes persistent instances, bound from <c>Meridian:HealthChecks</c>.</summary>
public sealed class HealthCheckOptions
{
    public const string SectionName = "Meridian:HealthChecks";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Consecutive failed probes before a healthy instance is marked unhealthy.</summary>
    public int FailureThreshold { get; set; } = 3;

    /// <summary>Consecutive successful probes before an unhealthy instance is marked healthy again.</summary>
    public int SuccessThreshold { get; set; } = 1;

    /// <summary>
    /// The networks (CIDR) the server may open probes to, checked on the resolved address. Unset: private and loopback
    /// ranges (10/8, 172.16/12, 192.168/16, 100.64/10, 127/8, ::1, fc00::/7), so a registration cannot aim probes at the
    /// cloud metadata address (169.254.169.254), public hosts or anything else outside the deployment. Add public ranges
    /// only if instances really live there; <c>["0.0.0.0/0", "::/0"]</c> allows everything, as Nacos does.
    /// </summary>
    public string[]? AllowedNetworks { get; set; }

    /// <summary>Probes in flight at once; probes are asynchronous I/O, so this bounds sockets, not threads.</summary>
    public int MaxConcurrency { get; set; } = 256;
}
