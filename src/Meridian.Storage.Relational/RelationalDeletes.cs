namespace Meridian.Storage.Relational;

internal static class RelationalDeletes
{
    /// <summary>
    /// Runs a DELETE of rows older than <paramref name="cutoff"/>, at most <paramref name="batch"/> per write transaction,
    /// until one removes fewer: old rows go without ever holding writes up behind one long delete. <paramref name="sql"/>
    /// takes <c>@cutoff</c> (Unix milliseconds) and <c>@batch</c>. Returns how many rows went.
    /// </summary>
    public static async Task<int> InBatchesAsync(IRelationalEngine engine, string sql, DateTimeOffset cutoff, int batch, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var removed = await engine.WriteAsync(
                async (statements, ct) =>
                {
                    await using var tx = await engine.BeginAsync(statements, soft: false, ct);
                    var rows = await statements.ExecuteAsync(sql, ct, ("@cutoff", cutoff.ToUnixTimeMilliseconds()), ("@batch", batch));
                    await tx.CommitAsync(ct);
                    return rows;
                },
                cancellationToken);
            await engine.SyncAsync(soft: false);
            total += removed;
            if (removed < batch)
            {
                return total;
            }
        }
    }
}
