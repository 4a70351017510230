using Meridian.Changes;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Meridian.Storage.Relational;

/// <summary>
/// Ready when the database answers a query and takes writes. After a write failed (a full disk, a read-only database)
/// each check tries a small durable write of its own, so the node turns ready again as soon as writes can succeed,
/// even while a load balancer keeps every other write away from it.
/// </summary>
internal sealed class StoreHealthCheck(IRelationalEngine engine, WriteHealth writes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using (var connection = await engine.OpenReadAsync(cancellationToken))
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{engine.Description} does not answer: {e.Message}", e);
        }

        if (writes.Failure is not { } failure)
        {
            return HealthCheckResult.Healthy(engine.Description);
        }

        try
        {
            await ProbeWriteAsync(cancellationToken);
            writes.Succeeded();
            return HealthCheckResult.Healthy(engine.Description);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{engine.Description} takes no writes: {failure}");
        }
    }

    /// <summary>
    /// Stores <see cref="ProbeBytes"/> durably in a table nobody reads, through the writers' own path: a write as large
    /// as the largest config, so a store with room for a small row only is not called ready.
    /// </summary>
    private async Task ProbeWriteAsync(CancellationToken cancellationToken)
    {
        await engine.WriteAsync(
            async (statements, ct) =>
            {
                await using var tx = await engine.BeginAsync(statements, soft: false, ct);
                var rows = await statements.ExecuteAsync(
                    "INSERT INTO write_probe (id, data) VALUES (1, @data) ON CONFLICT (id) DO UPDATE SET data = excluded.data", ct, ("@data", ProbeBytes.Value));
                await tx.CommitAsync(ct);
                return rows;
            },
            cancellationToken);
        await engine.SyncAsync(soft: false);
    }

    /// <summary>128 KiB that do not compress (a database may compress what it stores), above the 100 KiB a config may hold by default.</summary>
    private static readonly Lazy<byte[]> ProbeBytes = new(() =>
    {
        var bytes = new byte[128 * 1024];
        new Random(128).NextBytes(bytes);
        return bytes;
    });
}
