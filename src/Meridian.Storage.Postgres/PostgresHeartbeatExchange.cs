using Meridian.Naming;
using Meridian.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Meridian.Storage.Postgres;

/// <summary>
/// Heartbeats between nodes through an UNLOGGED table (no WAL: losing it to a crash of the database costs a grace
/// period, never an instance): each node upserts the instances that beat on it, in one statement a second, stamped by
/// the database's clock, and reads the rows other nodes stamped since its last read.
/// </summary>
internal sealed class PostgresHeartbeatExchange(PostgresDatabase database, IOptions<NodeOptions> node) : IHeartbeatExchange
{
    private long _cursor = -1;

    private const string Now = PostgresDatabase.NowMs;

    public async Task<IReadOnlyList<(ServiceKey Key, string InstanceId)>> ExchangeAsync(IReadOnlyCollection<(ServiceKey Key, string InstanceId)> beaten,
        CancellationToken cancellationToken)
    {
        var me = node.Value.Id;
        await using var connection = (NpgsqlConnection)await database.OpenReadAsync(cancellationToken);
        if (_cursor < 0)
        {
            await using var start = new NpgsqlCommand($"SELECT {Now}", connection);
            _cursor = (long)(await start.ExecuteScalarAsync(cancellationToken))!;
        }

        if (beaten.Count > 0)
        {
            await using var upsert = new NpgsqlCommand(
                "INSERT INTO instance_beats (namespace, grp, service, instance_id, node, at) " +
                $"SELECT ns, grp, svc, id, @node, {Now} FROM unnest(@ns, @grp, @svc, @id) AS b(ns, grp, svc, id) " +
                "ON CONFLICT (namespace, grp, service, instance_id) DO UPDATE SET node = excluded.node, at = excluded.at", connection);
            upsert.Parameters.AddWithValue("node", me);
            upsert.Parameters.AddWithValue("ns", beaten.Select(b => b.Key.Namespace).ToArray());
            upsert.Parameters.AddWithValue("grp", beaten.Select(b => b.Key.Group).ToArray());
            upsert.Parameters.AddWithValue("svc", beaten.Select(b => b.Key.Name).ToArray());
            upsert.Parameters.AddWithValue("id", beaten.Select(b => b.InstanceId).ToArray());
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        var elsewhere = new List<(ServiceKey, string)>();
        await using var read = new NpgsqlCommand(
            "SELECT namespace, grp, service, instance_id, at FROM instance_beats WHERE at > @cursor AND node <> @node", connection);
        read.Parameters.AddWithValue("cursor", _cursor);
        read.Parameters.AddWithValue("node", me);
        await using var row = await read.ExecuteReaderAsync(cancellationToken);
        var cursor = _cursor;
        while (await row.ReadAsync(cancellationToken))
        {
            elsewhere.Add((new ServiceKey(row.GetString(0), row.GetString(1), row.GetString(2)), row.GetString(3)));
            cursor = Math.Max(cursor, row.GetInt64(4));
        }

        _cursor = cursor;
        return elsewhere;
    }
}
