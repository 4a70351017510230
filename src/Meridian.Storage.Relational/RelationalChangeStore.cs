using Meridian.Changes;
using Meridian.Config;
using Meridian.Naming;
using Meridian.Persistence;
using Meridian.Validation;
using System.Data.Common;
using Microsoft.Extensions.Options;

namespace Meridian.Storage.Relational;

/// <summary>
/// The change log in a relational database. A batch is one transaction on a write connection: the revision counter is
/// read (and, where nodes share the database, locked) once, each request's preconditions are checked and its state rows
/// written, the log rows go in together, and the counter is written back before the one commit. A request the store
/// refuses by a constraint is committed again on its own, so it fails alone.
/// A node that starts again removes, through the log, the ephemeral instances it cannot vouch for: every one on a single
/// node, the ones its own connections kept where nodes share the database. A batch of nothing but ephemeral instance
/// changes may commit without a flush of its own (<see cref="IRelationalEngine.BeginAsync"/>); <see cref="WhenDurable"/>
/// completes once the engine says the batch is durable.
/// </summary>
internal sealed class RelationalChangeStore(IRelationalEngine engine, TimeProvider time, IOptions<ChangeLogOptions> options, IOptions<NodeOptions> node)
    : IChangeStore
{
    private readonly BatchQueries _queries = new();
    private Task _durable = Task.CompletedTask;

    private const int CompactBatch = 5000;

    private const string LogColumns =
        "l.revision, l.at, l.kind, l.namespace, l.grp, l.name, l.item, l.version, l.body, " +
        "h.version, h.op, h.md5, h.type, h.who, h.source_address, h.changed_at, h.content, h.app_name, h.tags, h.description";

    private const string HistoryJoin =
        "LEFT JOIN config_history h ON l.kind IN ('config.saved', 'config.removed') AND h.namespace = l.namespace AND h.grp = l.grp " +
        "AND h.data_id = l.name AND h.version = l.version";

    public Task<StoredState> LoadAsync(CancellationToken cancellationToken) =>
        engine.WriteAsync(
            async (statements, ct) =>
            {
                var connection = statements.Connection;
                var now = time.GetUtcNow();
                await ReleaseEphemeralAsync(statements, now, ct);
                statements.Transaction = null;

                // One snapshot for the rows, the tail and the counter, so a write committed meanwhile (by another node)
                // is either in all three or in none, and the catch-up after start-up finds it.
                await using var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
                var state = new List<Change>();
                await ReadStateAsync(connection, snapshot, state, ct);
                var settings = options.Value;
                var tail = await ReadLogAsync(connection, snapshot,
                    $"SELECT {LogColumns} FROM (SELECT * FROM change_log WHERE at >= @cutoff ORDER BY revision DESC LIMIT @max) l {HistoryJoin} ORDER BY l.revision",
                    [("@cutoff", (now - settings.Retention).ToUnixTimeMilliseconds()), ("@max", settings.MaxWindowEntries)],
                    ct);
                await using var counter = connection.CreateCommand();
                counter.Transaction = snapshot;
                counter.CommandText = "SELECT value FROM revision_counter";
                var revision = Convert.ToInt64(await counter.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
                await snapshot.CommitAsync(ct);
                return new StoredState(revision, state, tail);
            },
            cancellationToken);

    public async Task<IReadOnlyList<CommitOutcome>> CommitAsync(IReadOnlyList<ChangeRequest> batch, DateTimeOffset at, CancellationToken cancellationToken)
    {
        IReadOnlyList<CommitOutcome> outcomes;
        try
        {
            outcomes = await CommitOrSplitAsync(batch, at, cancellationToken);
        }
        catch (Exception e) when (engine.IsOutOfSpace(e))
        {
            throw new StorageUnavailableException(
                $"The store is out of space ({e.GetBaseException().Message}); nothing of the change was kept. Free space for {engine.Description}, then retry.", e)
            {
                OutOfSpace = true,
            };
        }

        _durable = engine.SyncAsync(soft: batch.All(r => IsSoft(r.Change)));
        return outcomes;
    }

    /// <summary>The batch the last <see cref="CommitAsync"/> committed is durable when this completes; the change log asks right after it.</summary>
    public Task WhenDurable() => _durable;

    private Task<IReadOnlyList<CommitOutcome>> CommitOrSplitAsync(IReadOnlyList<ChangeRequest> batch, DateTimeOffset at, CancellationToken cancellationToken) =>
        engine.WriteAsync<IReadOnlyList<CommitOutcome>>(
            async (statements, ct) =>
            {
                try
                {
                    return await CommitBatchAsync(statements, batch, at, ct);
                }
                catch (DbException e) when (batch.Count > 1 && engine.IsConstraintViolation(e))
                {
                    // One request the store refuses must not fail the others: commit each on its own.
                    var outcomes = new CommitOutcome[batch.Count];
                    for (var i = 0; i < batch.Count; i++)
                    {
                        try
                        {
                            outcomes[i] = (await CommitBatchAsync(statements, [batch[i]], at, ct))[0];
                        }
                        catch (DbException one) when (engine.IsConstraintViolation(one))
                        {
                            outcomes[i] = CommitOutcome.Rejected($"The store refused the change: {one.Message}");
                        }
                    }

                    return outcomes;
                }
            },
            cancellationToken);

    /// <summary>One transaction: preconditions, state rows and log rows of every request, the counter, one commit.</summary>
    private async Task<CommitOutcome[]> CommitBatchAsync(Statements statements, IReadOnlyList<ChangeRequest> batch, DateTimeOffset at,
        CancellationToken ct)
    {
        await using var tx = await engine.BeginAsync(statements, batch.All(r => IsSoft(r.Change)), ct);
        var first = await statements.ScalarAsync(engine.ReadCounterForUpdate, ct);
        var revision = first;
        var writes = new RelationalBatch(statements, _queries, engine);
        await writes.PrefetchAsync(batch, ct);
        var outcomes = new CommitOutcome[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            if (await Preconditions.FirstFailedAsync(writes, request.Preconditions, ct) is { } failed)
            {
                outcomes[i] = CommitOutcome.Rejected(failed.FailureMessage);
                continue;
            }

            var committed = request.Change.Stamp(++revision, at);
            await StateWriter.WriteAsync(writes, committed, ct);
            outcomes[i] = CommitOutcome.Of(committed);
        }

        await writes.FlushAsync(ct);
        if (revision != first)
        {
            await statements.WriteAsync("UPDATE revision_counter SET value = @v WHERE id = 1", ct, ("@v", revision));
            await engine.AnnounceAsync(statements, revision, ct);
        }

        await statements.FlushAsync(ct);
        await tx.CommitAsync(ct);
        return outcomes;
    }

    /// <summary>A change that a restart undoes anyway: an ephemeral instance's.</summary>
    private static bool IsSoft(Change change) => change is InstanceSaved { Instance.Ephemeral: true } or InstanceRemoved { Instance.Ephemeral: true };

    public async Task<IReadOnlyList<Change>> ReadAfterAsync(long revision, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenReadAsync(cancellationToken);
        return await ReadLogAsync(connection, null,
            $"SELECT {LogColumns} FROM (SELECT * FROM change_log WHERE revision > @after ORDER BY revision LIMIT @limit) l {HistoryJoin} ORDER BY l.revision",
            [("@after", revision), ("@limit", limit)],
            cancellationToken);
    }

    /// <summary>Rows are in commit order, so the old ones are a prefix: the scan from the oldest stops at the first young one.</summary>
    public Task<int> CompactAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        RelationalDeletes.InBatchesAsync(engine,
            "DELETE FROM change_log WHERE revision < COALESCE((SELECT revision FROM change_log WHERE at >= @cutoff ORDER BY revision LIMIT 1), " +
            "(SELECT MAX(revision) + 1 FROM change_log)) AND revision < (SELECT MIN(revision) FROM change_log) + @batch",
            cutoff, CompactBatch, cancellationToken);

    /// <summary>
    /// A restarted node cannot vouch for the ephemeral instances its connections kept (on a single node: for any): each
    /// is removed, as a change of its own. Where nodes share the database, the others' instances stay theirs.
    /// </summary>
    private async Task ReleaseEphemeralAsync(Statements statements, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var tx = await engine.BeginAsync(statements, soft: false, cancellationToken);
        var orphans = new List<InstanceRemoved>();
        var sql = engine.Shared
            ? "SELECT namespace, grp, service, body FROM instances WHERE ephemeral = 1 AND substr(owner, 1, length(@mine)) = @mine"
            : "SELECT namespace, grp, service, body FROM instances WHERE ephemeral = 1";
        {
            // A prepared statement of the connection's: read from, never disposed here.
            var query = statements.Get(sql, engine.Shared ? [("@mine", node.Value.Id + "/")] : []);
            await using var row = await query.ExecuteReaderAsync(cancellationToken);
            while (await row.ReadAsync(cancellationToken))
            {
                var key = new ServiceKey(row.GetString(0), row.GetString(1), row.GetString(2));
                orphans.Add(new InstanceRemoved(key, ChangeCodec.Read<Instance>(row.GetString(3)), InstanceRemovalReason.NodeRestarted));
            }
        }

        if (orphans.Count == 0)
        {
            return;
        }

        var revision = await statements.ScalarAsync(engine.ReadCounterForUpdate, cancellationToken);
        var writes = new RelationalBatch(statements, _queries, engine);
        foreach (var orphan in orphans)
        {
            await StateWriter.WriteAsync(writes, orphan.Stamp(++revision, at), cancellationToken);
        }

        await writes.FlushAsync(cancellationToken);

        await statements.WriteAsync("UPDATE revision_counter SET value = @v WHERE id = 1", cancellationToken, ("@v", revision));
        await engine.AnnounceAsync(statements, revision, cancellationToken);
        await statements.FlushAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    private static async Task ReadStateAsync(DbConnection connection, DbTransaction snapshot, List<Change> state, CancellationToken cancellationToken)
    {
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = snapshot;
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
            command.Transaction = snapshot;
            command.CommandText = "SELECT namespace, grp, name, definition, revision FROM services WHERE explicit = 1";
            await using var row = await command.ExecuteReaderAsync(cancellationToken);
            while (await row.ReadAsync(cancellationToken))
            {
                var key = new ServiceKey(row.GetString(0), row.GetString(1), row.GetString(2));
                state.Add(new ServiceSaved(key, ChangeCodec.Read<ServiceDefinition>(row.GetString(3))) { Revision = row.GetInt64(4) });
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = snapshot;
            command.CommandText = "SELECT namespace, grp, service, body, revision, owner FROM instances";
            await using var row = await command.ExecuteReaderAsync(cancellationToken);
            while (await row.ReadAsync(cancellationToken))
            {
                // The owner comes back too: on a shared store, another node's session still keeps the instance alive.
                var key = new ServiceKey(row.GetString(0), row.GetString(1), row.GetString(2));
                var owner = row.IsDBNull(5) ? null : row.GetString(5);
                state.Add(new InstanceSaved(key, ChangeCodec.Read<Instance>(row.GetString(3)), owner, InstanceSaveReason.Registered, Created: true)
                {
                    Revision = row.GetInt64(4),
                });
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = snapshot;
            command.CommandText =
                "SELECT namespace, grp, data_id, content, type, app_name, tags, description, created_at, modified_at, version, revision, deleted, md5 FROM configs";
            await using var row = await command.ExecuteReaderAsync(cancellationToken);
            while (await row.ReadAsync(cancellationToken))
            {
                var key = RelationalConfigHistoryStore.ReadKey(row);
                var type = RelationalConfigHistoryStore.ParseType(row.GetString(4));
                var modified = RelationalConfigHistoryStore.Time(row.GetInt64(9));
                var item = ConfigItem.Create(key, row.GetString(3), type, row.GetString(5), RelationalConfigHistoryStore.ReadTags(row.GetString(6)),
                    row.GetString(7), RelationalConfigHistoryStore.Time(row.GetInt64(8)), modified, row.GetInt64(10), row.GetInt64(11));
                var deleted = row.GetInt64(12) != 0;
                var entry = new ConfigHistoryEntry(key, item.Version, deleted ? ConfigOperation.Delete : ConfigOperation.Publish, row.GetString(13), type,
                    "", "", modified);
                state.Add(deleted
                    ? new ConfigRemoved(item, entry) { Revision = item.Revision, At = modified }
                    : new ConfigSaved(item, entry) { Revision = item.Revision, At = modified });
            }
        }
    }

    private static async Task<IReadOnlyList<Change>> ReadLogAsync(DbConnection connection, DbTransaction? snapshot, string sql, (string Name, object Value)[] parameters,
        CancellationToken cancellationToken)
    {
        var changes = new List<Change>();
        await using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        while (await row.ReadAsync(cancellationToken))
        {
            var log = new LogRow(row.GetString(2), row.GetString(3), row.GetString(4), row.GetString(5), row.GetString(6), row.GetInt64(7), row.GetString(8));
            ConfigHistoryRecord? history = null;
            if (!row.IsDBNull(9))
            {
                var key = new ConfigKey(log.Namespace, log.Group, log.Name);
                var entry = new ConfigHistoryEntry(key, row.GetInt64(9), RelationalConfigHistoryStore.ParseOperation(row.GetString(10)), row.GetString(11),
                    RelationalConfigHistoryStore.ParseType(row.GetString(12)), row.GetString(13), row.GetString(14), RelationalConfigHistoryStore.Time(row.GetInt64(15)));
                history = new ConfigHistoryRecord(entry, row.GetString(16), row.GetString(17), RelationalConfigHistoryStore.ReadTags(row.GetString(18)), row.GetString(19));
            }

            changes.Add(ChangeCodec.Decode(log, row.GetInt64(0), RelationalConfigHistoryStore.Time(row.GetInt64(1)), history));
        }

        return changes;
    }
}
