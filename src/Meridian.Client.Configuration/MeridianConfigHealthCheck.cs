using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Meridian.Client.Configuration;

/// <summary>Reports a configuration source that cannot reach a server or has not heard from one for too long.</summary>
internal sealed class MeridianConfigHealthCheck(IMeridianConfigurationRefresher refresher, TimeProvider time, TimeSpan staleAfter) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = refresher.Status;
        var data = new Dictionary<string, object> { ["state"] = status.State.ToString(), ["lastContact"] = status.LastContact?.ToString("O") ?? "never" };
        var result = status.State switch
        {
            ConfigSourceState.Current when status.LastContact is { } last && time.GetUtcNow() - last > staleAfter =>
                HealthCheckResult.Degraded($"No word from the Meridian server since {last:O}; settings may be stale.", data: data),
            ConfigSourceState.Current => HealthCheckResult.Healthy(status.Message, data),
            _ => HealthCheckResult.Degraded(status.Message, data: data),
        };
        return Task.FromResult(result);
    }
}
