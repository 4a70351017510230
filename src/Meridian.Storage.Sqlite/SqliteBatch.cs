using Meridian.Changes;
using Meridian.Naming;

namespace Meridian.Storage.Sqlite;

/// <summary>
/// What one write transaction does beyond each change's own rows, done once per batch instead of once per change: the
/// stored revisions that preconditions compare are read for the whole batch in a few queries (and kept current as the
/// batch writes), the log rows go in as multi-row inserts, and each service touched by instance changes has its row
/// moved once. Microsoft.Data.Sqlite costs tens of microseconds per statement here, so statements are what a batch saves.
/// </summary>
internal sealed class SqliteBatch(SqliteStatements statements, SqliteBatchQueries queries)
{

    private readonly Dictionary<EntityRef, long> _revisions = [];
    private readonly List<Change> _log = [];
    private readonly Dictionary<ServiceKey, (long Revision, bool Explicit)> _touched = [];

    public SqliteStatements Statements => statements;

    /// <summary>Reads the stored revision of every entity the batch's preconditions name.</summary>
    public async Task PrefetchAsync(IReadOnlyList<ChangeRequest> batch, CancellationToken ct)
    {
        var wanted = new HashSet<EntityRef>();
        foreach (var request in batch)
        {
            foreach (var precondition in request.Preconditions)
            {
                if (precondition is RevisionIs r)
                {
                    wanted.Add(r.Entity);
                }
            }
        }

        foreach (var entity in wanted)
        {
            _revisions[entity] = 0;
        }

        foreach (var kind in wanted.GroupBy(e => e.Kind))
        {
            foreach (var chunk in kind.Chunk(64))
            {
                await ReadRevisionsAsync(kind.Key, chunk, ct);
            }
        }
    }

    /// <summary>The stored revision as of this point of the batch: 0 when the row does not exist.</summary>
    public async Task<long> RevisionAsync(EntityRef entity, CancellationToken ct)
    {
        if (!_revisions.TryGetValue(entity, out var revision))
        {
            _revisions[entity] = 0;
            await ReadRevisionsAsync(entity.Kind, [entity], ct);
            revision = _revisions[entity];
        }

        return revision;
    }

    public void Wrote(EntityRef entity, long revision) => _revisions[entity] = revision;

    /// <summary>An instance of <paramref name="key"/> changed at <paramref name="revision"/>; its service row follows at flush.</summary>
    public void Touch(ServiceKey key, long revision, bool makesExplicit)
    {
        _revisions[EntityRef.OfService(key)] = revision;
        _touched[key] = _touched.TryGetValue(key, out var earlier) ? (revision, earlier.Explicit || makesExplicit) : (revision, makesExplicit);
    }

    /// <summary>Forgets pending service moves that a removal in the same batch made moot.</summary>
    public void Untouch(Func<ServiceKey, bool> match)
    {
        foreach (var key in _touched.Keys.Where(match).ToList())
        {
            _touched.Remove(key);
        }
    }

    public void Log(Change change) => _log.Add(change);

    /// <summary>Writes the deferred rows: the touched services, then the log rows.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        foreach (var (key, (revision, makesExplicit)) in _touched)
        {
            await statements.ExecuteAsync(
                "INSERT INTO services (namespace, grp, name, definition, revision, explicit) VALUES ($ns, $grp, $name, $definition, $revision, $explicit) " +
                "ON CONFLICT (namespace, grp, name) DO UPDATE SET revision = MAX(services.revision, excluded.revision), " +
                "explicit = MAX(services.explicit, excluded.explicit)",
                ct, ("$ns", key.Namespace), ("$grp", key.Group), ("$name", key.Name), ("$definition", DefaultDefinition),
                ("$revision", revision), ("$explicit", makesExplicit ? 1 : 0));
        }

        _touched.Clear();
        var next = 0;
        foreach (var size in SqliteBatchQueries.LogChunks)
        {
            while (_log.Count - next >= size)
            {
                var (sql, names) = queries.LogInsert(size);
                var values = new (string, object?)[size * 9];
                for (var i = 0; i < size; i++)
                {
                    var change = _log[next + i];
                    var row = SqliteChangeCodec.Encode(change);
                    var at = i * 9;
                    values[at] = (names[at], change.Revision);
                    values[at + 1] = (names[at + 1], change.At.ToUnixTimeMilliseconds());
                    values[at + 2] = (names[at + 2], row.Kind);
                    values[at + 3] = (names[at + 3], row.Namespace);
                    values[at + 4] = (names[at + 4], row.Group);
                    values[at + 5] = (names[at + 5], row.Name);
                    values[at + 6] = (names[at + 6], row.Item);
                    values[at + 7] = (names[at + 7], row.Version);
                    values[at + 8] = (names[at + 8], row.Body);
                }

                await statements.ExecuteAsync(sql, ct, values);
                next += size;
            }
        }

        _log.Clear();
    }

    private async Task ReadRevisionsAsync(EntityKind kind, EntityRef[] entities, CancellationToken ct)
    {
        var (sql, names) = queries.RevisionQuery(kind, entities.Length);
        var width = KeyWidth(kind);
        var values = new (string, object?)[entities.Length * width];
        for (var i = 0; i < entities.Length; i++)
        {
            var e = entities[i];
            var at = i * width;
            values[at] = (names[at], e.Namespace);
            if (width > 1)
            {
                values[at + 1] = (names[at + 1], e.Group);
                values[at + 2] = (names[at + 2], e.Name);
            }

            if (width > 3)
            {
                values[at + 3] = (names[at + 3], e.Item);
            }
        }

        await using var reader = await statements.Get(sql, values).ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var entity = kind switch
            {
                EntityKind.Namespace => new EntityRef(kind, reader.GetString(0)),
                EntityKind.Instance => new EntityRef(kind, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)),
                _ => new EntityRef(kind, reader.GetString(0), reader.GetString(1), reader.GetString(2)),
            };
            _revisions[entity] = reader.GetInt64(width);
        }
    }

    private static int KeyWidth(EntityKind kind) => kind switch
    {
        EntityKind.Namespace => 1,
        EntityKind.Instance => 4,
        _ => 3,
    };

    private static readonly string DefaultDefinition = SqliteChangeCodec.Json(ServiceDefinition.Default);
}
