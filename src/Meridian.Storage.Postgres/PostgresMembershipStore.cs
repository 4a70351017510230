using Meridian.Cluster;
using Meridian.Persistence;
using Npgsql;

namespace Meridian.Storage.Postgres;

/// <summary>
/// Node leases in <c>cluster_nodes</c> and the lead in the one row of <c>cluster_leader</c>, both timed by the
/// database's clock (nodes' clocks may differ; the database's is the one they share). The lead passes only when its
/// holder's lease ran out, and each new holder raises the term.
/// </summary>
internal sealed class PostgresMembershipStore(PostgresDatabase database) : IMembershipStore
{
    private const string Now = PostgresDatabase.NowMs;

    public async Task<MembershipView> RenewAsync(NodeLease me, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)await database.OpenReadAsync(cancellationToken);
        var ttl = (long)me.Ttl.TotalMilliseconds;
        await using (var renew = new NpgsqlCommand(
            "INSERT INTO cluster_nodes (id, address, started_at, lease_until, applied_revision) " +
            $"VALUES (@id, @address, @started, {Now} + @ttl, @revision) " +
            "ON CONFLICT (id) DO UPDATE SET address = excluded.address, started_at = excluded.started_at, " +
            "lease_until = excluded.lease_until, applied_revision = excluded.applied_revision; " +
            "INSERT INTO cluster_leader (id, holder, term, expires_at) " +
            $"VALUES (1, @id, 1, {Now} + @ttl) " +
            "ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, " +
            "term = cluster_leader.term + CASE WHEN cluster_leader.holder = excluded.holder THEN 0 ELSE 1 END " +
            $"WHERE cluster_leader.holder = excluded.holder OR cluster_leader.expires_at < {Now}", connection))
        {
            renew.Parameters.AddWithValue("id", me.Id);
            renew.Parameters.AddWithValue("address", me.Address);
            renew.Parameters.AddWithValue("started", me.StartedAt.ToUnixTimeMilliseconds());
            renew.Parameters.AddWithValue("ttl", ttl);
            renew.Parameters.AddWithValue("revision", me.AppliedRevision);
            await renew.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var read = new NpgsqlCommand(
            $"SELECT {Now}, (SELECT holder FROM cluster_leader WHERE id = 1 AND expires_at >= {Now}); " +
            "SELECT id, address, started_at, lease_until, applied_revision FROM cluster_nodes ORDER BY id", connection);
        await using var row = await read.ExecuteReaderAsync(cancellationToken);
        await row.ReadAsync(cancellationToken);
        var now = row.GetInt64(0);
        var leader = row.IsDBNull(1) ? null : row.GetString(1);
        await row.NextResultAsync(cancellationToken);
        var nodes = new List<ClusterNode>();
        while (await row.ReadAsync(cancellationToken))
        {
            var leaseUntil = row.GetInt64(3);
            nodes.Add(new ClusterNode(row.GetString(0), row.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(2)),
                DateTimeOffset.FromUnixTimeMilliseconds(leaseUntil), row.GetInt64(4), Alive: leaseUntil >= now));
        }

        return new MembershipView(nodes, leader, DateTimeOffset.FromUnixTimeMilliseconds(now));
    }
}
