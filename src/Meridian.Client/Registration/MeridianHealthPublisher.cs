using Meridian.Client.Connection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Meridian.Client.Registration;

/// <summary>
/// Mirrors the app's own health checks into its registry entry: Unhealthy takes it out of rotation, Healthy or
/// Degraded puts it back. Only changes are sent; a reconnect re-registers with the last state.
/// </summary>
internal sealed partial class MeridianHealthPublisher(
    MeridianRegistrar registrar,
    MeridianConnection connection,
    ILogger<MeridianHealthPublisher> logger) : IHealthCheckPublisher
{
    private bool? _lastHealthy;

    public async Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        if (registrar.Registration is not { } registration)
        {
            return;
        }

        var healthy = report.Status != HealthStatus.Unhealthy;
        if (_lastHealthy == healthy)
        {
            return;
        }

        var ack = await connection.SetHealthAsync(registration.InstanceId, healthy, cancellationToken);
        if (ack is { Ok: true })
        {
            _lastHealthy = healthy;
            LogReported(logger, registration.InstanceId, healthy ? "healthy" : "unhealthy", report.Status);
        }
        else
        {
            LogNotReported(logger, registration.InstanceId, ack?.ErrorMessage ?? "no server reachable");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reported {InstanceId} {State} to Meridian (health checks: {Status})")]
    private static partial void LogReported(ILogger logger, string instanceId, string state, HealthStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report the health of {InstanceId} to Meridian ({Reason}); it is retried on the next health report")]
    private static partial void LogNotReported(ILogger logger, string instanceId, string reason);
}
