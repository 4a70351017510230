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

    /// <summary>Probes in flight at once; probes are asynchronous I/O, so this bounds sockets, not threads.</summary>
    public int MaxConcurrency { get; set; } = 256;
}
