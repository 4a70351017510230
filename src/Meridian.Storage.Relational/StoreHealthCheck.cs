using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Meridian.Storage.Relational;

/// <summary>Ready when the database answers a query.</summary>
internal sealed class StoreHealthCheck(IRelationalEngine engine) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await engine.OpenReadAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy(engine.Description);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{engine.Description} does not answer: {e.Message}", e);
        }
    }
}
