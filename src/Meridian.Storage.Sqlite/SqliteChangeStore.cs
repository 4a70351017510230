using Meridian.Changes;
using Meridian.Config;
using Meridian.Naming;
using Meridian.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Meridian.Storage.Sqlite;

/// <summary>
/// The change log in SQLite. A batch is one transaction on the writer connection: the revision counter is read once,
/// each request's preconditions are checked and its state rows written, the log rows go in together, and the counter is
/// written back before the one commit (and the one fsync of <c>synchronous=FULL</c>). A request the store refuses by a
/// constraint is committed again on its own, so it fails alone.
/// As a single node, it keeps no ephemeral instance across a restart: on load it removes them through the log; and a
/// batch of nothing but ephemeral instance changes commits without an fsync of its own (<see cref="SqliteOptions.EphemeralSynchronous"/>).
/// With <c>Synchronous=FULL</c> the fsync is pipelined (<see cref="SqliteWalSync"/>): <see cref="WhenDurable"/> completes after it.
/// </summary>
internal sealed class SqliteChangeStore(SqliteDatabase database, TimeProvider time, IOptions<ChangeLogOptions> options) : IChangeStore
{
    private readonly SqliteBatchQueries _queries = new();
    private Task _durable = Task.CompletedTask;

    private const int CompactBatch = 5000;
    private const int SqliteConstraint = 19;

    private const string LogColumns =
        "l.revision, l.at, l.kind, l.namespace, l.grp, l.name, l.item, l.version, l.body, " +
        "h.version, h.op, h.md5, h.type, h.who, h.source_address, h.changed_at, h.content, h.app_name, h.tags, h.description";

    private const string HistoryJoin =
        "LEFT JOIN config_history h ON l.kind IN ('config.saved', 'config.removed') AND h.namespace = l.namespace AND h.grp = l.grp " +
        "AND h.data_id = l.name AND h.version = l.version";

    public Task<StoredState> LoadAsync(CancellationToken cancellationToken) =>
        database.WriteStatementsAsync(
            async (statements, ct) =>
            {
                var connection = statements.Connection;
                var now = time.GetUtcNow();
                await ReleaseEphemeralAsync(statements, now, ct);
                statements.Transaction = null;
                var state = new List<Change>();
                await ReadStateAsync(connection, state, ct);
                var settings = options.Value;
                var tail = await ReadLogAsync(connection,
                    $"SELECT {LogColumns} FROM (SELECT * FROM change_log WHERE at >= $cutoff ORDER BY revision DESC LIMIT $max) l {HistoryJoin} ORDER BY l.revision",
                    p =>
                    {
                        p.AddWithValue("$cutoff", (now - settings.Retention).ToUnixTimeMilliseconds());
                        p.AddWithValue("$max", settings.MaxWindowEntries);
                    },
                    ct);
                await using var counter = connection.CreateCommand();
                counter.CommandText = "SELECT value FROM revision_counter";
                var revision = (long)(await counter.ExecuteScalarAsync(ct))!;
                return new StoredState(revision, state, tail);
            },
            cancellationToken);

    public async Task<IReadOnlyList<CommitOutcome>> CommitAsync(IReadOnlyList<ChangeRequest> batch, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var outcomes = await CommitOrSplitAsync(batch, at, cancellationToken);
        _durable = database.SyncAsync(soft: batch.All(r => IsSoft(r.Change)));
        return outcomes;
    }

    /// <summary>The batch the last <see cref="CommitAsync"/> committed is durable when this completes; the change log asks right after it.</summary>
    public Task WhenDurable() => _durable;

    private Task<IReadOnlyList<CommitOutcome>> CommitOrSplitAsync(IReadOnlyList<ChangeRequest> batch, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteStatementsAsync<IReadOnlyList<CommitOutcome>>(
            async (statements, ct) =>
            {
                try
                {
                    return await CommitBatchAsync(statements, batch, at, ct);
                }
                catch (SqliteException e) when (batch.Count > 1 && e.SqliteErrorCode == SqliteConstraint)
                {
                    // One request the store refuses must not fail the others: commit each on its own.
                    var outcomes = new CommitOutcome[batch.Count];
                    for (var i = 0; i < batch.Count; i++)
                    {
                        try
                        {
                            outcomes[i] = (await CommitBatchAsync(statements, [batch[i]], at, ct))[0];
                        }
                        catch (SqliteException one) when (one.SqliteErrorCode == SqliteConstraint)
                        {
                            outcomes[i] = CommitOutcome.Rejected($"The store refused the change: {one.Message}");
                        }
                    }

                    return outcomes;
                }
            },
            cancellationToken);

    /// <summary>One transaction: preconditions, state rows and log rows of every request, the counter, one commit.</summary>
    private async Task<CommitOutcome[]> CommitBatchAsync(SqliteStatements statements, IReadOnlyList<ChangeRequest> batch, DateTimeOffset at,
        CancellationToken ct)
    {
        await database.UseSoftCommitsAsync(batch.All(r => IsSoft(r.Change)), ct);
        await using var tx = (SqliteTransaction)await statements.Connection.BeginTransactionAsync(ct);
        statements.Transaction = tx;
        var revision = await statements.ScalarAsync("SELECT value FROM revision_counter", ct);
        var writes = new SqliteBatch(statements, _queries);
        await writes.PrefetchAsync(batch, ct);
        var outcomes = new CommitOutcome[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            if (await SqlitePreconditions.FirstFailedAsync(writes, request.Preconditions, ct) is { } failed)
            {
                outcomes[i] = CommitOutcome.Rejected(failed.FailureMessage);
                continue;
            }

            var committed = request.Change.Stamp(++revision, at);
            await SqliteStateWriter.WriteAsync(writes, committed, ct);
            outcomes[i] = CommitOutcome.Of(committed);
        }

        await writes.FlushAsync(ct);
        await statements.ExecuteAsync("UPDATE revision_counter SET value = $v WHERE id = 1", ct, ("$v", revision));
        await tx.CommitAsync(ct);
        return outcomes;
    }

    /// <summary>A change that a restart undoes anyway: an ephemeral instance's.</summary>
    private static bool IsSoft(Change change) => change is InstanceSaved { Instance.Ephemeral: true } or InstanceRemoved { Instance.Ephemeral: true };

    public async Task<IReadOnlyList<Change>> ReadAfterAsync(long revision, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return await ReadLogAsync(connection,
            $"SELECT {LogColumns} FROM (SELECT * FROM change_log WHERE revision > $after ORDER BY revision LIMIT $limit) l {HistoryJoin} ORDER BY l.revision",
            p =>
            {
                p.AddWithValue("$after", revision);
                p.AddWithValue("$limit", limit);
            },
            cancellationToken);
    }

    /// <summary>Rows are in commit order, so the old ones are a prefix: the scan from the oldest stops at the first young one.</summary>
    public Task<int> CompactAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        database.DeleteInBatchesAsync(
            "DELETE FROM change_log WHERE revision < COALESCE((SELECT revision FROM change_log WHERE at >= $cutoff ORDER BY revision LIMIT 1), " +
            "(SELECT MAX(revision) + 1 FROM change_log)) AND revision < (SELECT MIN(revision) FROM change_log) + $batch",
            cutoff, CompactBatch, cancellationToken);

    /// <summary>A restarted single node cannot vouch for any ephemeral instance: each is removed, as a change of its own.</summary>
    private async Task ReleaseEphemeralAsync(SqliteStatements statements, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var connection = statements.Connection;
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        statements.Transaction = tx;
        var orphans = new List<InstanceRemoved>();
        await using (var query = connection.CreateCommand())
        {
            query.Transaction = tx;
            query.CommandText = "SELECT namespace, grp, service, body FROM instances WHERE ephemeral = 1";
            await using var row = await query.ExecuteReaderAsync(cancellationToken);
            while (await row.ReadAsync(cancellationToken))
            {
                var key = new ServiceKey(row.GetString(0), row.GetString(1), row.GetString(2));
                orphans.Add(new InstanceRemoved(key, SqliteChangeCodec.Read<Instance>(row.GetString(3)), InstanceRemovalReason.NodeRestarted));
            }
        }

        if (orphans.Count == 0)
        {
            return;
        }

        var revision = await statements.ScalarAsync("SELECT value FROM revision_counter", cancellationToken);
        var writes = new SqliteBatch(statements, _queries);
        foreach (var orphan in orphans)
        {
            await SqliteStateWriter.WriteAsync(writes, orphan.Stamp(++revision, at), cancellationToken);
        }

        await writes.FlushAsync(cancellationToken);

        await statements.ExecuteAsync("UPDATE revision_counter SET value = $v WHERE id = 1", cancellationToken, ("$v", revision));
        await tx.CommitAsync(cancellationToken);
    }

    private static async Task ReadStateAsync(SqliteConnection connection, List<Change> state, CancellationToken cancellationToken)
    {
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, name, description, revision FROM namespaces";
            await using var row = await command.ExecuteReaderAsync(cancellationToken);
            while (await row.ReadAsync(cancellationToken))
            {
                state.Add(new NamespaceSaved(new Meridian.Namespaces.NamespaceInfo(row.GetString(0), row.GetString(1), row.GetString(2)))
                {
                    Revision = row.GetInt64(3),
                });
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT namespace, grp, name, definition, revision FROM services WHERE explicit = 1";
            await using var row = await command.ExecuteReaderAsync(cancellationToken);
            while (await row.ReadAsync(cancellationToken))
            {
                var key = new ServiceKey(row.GetString(0), row.GetString(1), row.GetString(2));
                state.Add(new ServiceSaved(key, SqliteChangeCodec.Read<ServiceDefinition>(row.GetString(3))) { Revision = row.GetInt64(4) });
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT namespace, grp, service, body, revision FROM instances";
            await using var row = await command.ExecuteReaderAsync(cancellationToken);
            while (await row.ReadAsync(cancellationToken))
            {
                var key = new ServiceKey(row.GetString(0), row.GetString(1), row.GetString(2));
                state.Add(new InstanceSaved(key, SqliteChangeCodec.Read<Instance>(row.GetString(3)), null, InstanceSaveReason.Registered, Created: true)
                {
                    Revision = row.GetInt64(4),
                });
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText =
                "SELECT namespace, grp, data_id, content, type, app_name, tags, description, created_at, modified_at, version, revision, deleted, md5 FROM configs";
            await using var row = await command.ExecuteReaderAsync(cancellationToken);
            while (await row.ReadAsync(cancellationToken))
            {
                var key = SqliteConfigHistoryStore.ReadKey(row);
                var type = SqliteConfigHistoryStore.ParseType(row.GetString(4));
                var modified = SqliteConfigHistoryStore.Time(row.GetInt64(9));
                var item = ConfigItem.Create(key, row.GetString(3), type, row.GetString(5), SqliteConfigHistoryStore.ReadTags(row.GetString(6)),
                    row.GetString(7), SqliteConfigHistoryStore.Time(row.GetInt64(8)), modified, row.GetInt64(10), row.GetInt64(11));
                var deleted = row.GetInt64(12) != 0;
                var entry = new ConfigHistoryEntry(key, item.Version, deleted ? ConfigOperation.Delete : ConfigOperation.Publish, row.GetString(13), type,
                    "", "", modified);
                state.Add(deleted
                    ? new ConfigRemoved(item, entry) { Revision = item.Revision, At = modified }
                    : new ConfigSaved(item, entry) { Revision = item.Revision, At = modified });
            }
        }
    }

    private static async Task<IReadOnlyList<Change>> ReadLogAsync(SqliteConnection connection, string sql, Action<SqliteParameterCollection> bind,
        CancellationToken cancellationToken)
    {
        var changes = new List<Change>();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        while (await row.ReadAsync(cancellationToken))
        {
            var log = new LogRow(row.GetString(2), row.GetString(3), row.GetString(4), row.GetString(5), row.GetString(6), row.GetInt64(7), row.GetString(8));
            ConfigHistoryRecord? history = null;
            if (!row.IsDBNull(9))
            {
                var key = new ConfigKey(log.Namespace, log.Group, log.Name);
                var entry = new ConfigHistoryEntry(key, row.GetInt64(9), SqliteConfigHistoryStore.ParseOperation(row.GetString(10)), row.GetString(11),
                    SqliteConfigHistoryStore.ParseType(row.GetString(12)), row.GetString(13), row.GetString(14), SqliteConfigHistoryStore.Time(row.GetInt64(15)));
                history = new ConfigHistoryRecord(entry, row.GetString(16), row.GetString(17), SqliteConfigHistoryStore.ReadTags(row.GetString(18)), row.GetString(19));
            }

            changes.Add(SqliteChangeCodec.Decode(log, row.GetInt64(0), SqliteConfigHistoryStore.Time(row.GetInt64(1)), history));
        }

        return changes;
    }
}
