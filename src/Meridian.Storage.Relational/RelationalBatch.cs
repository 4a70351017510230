using Meridian.Changes;
using Meridian.Naming;

namespace Meridian.Storage.Relational;

/// <summary>
/// What one write transaction does beyond each change's own rows, done once per batch instead of once per change: the
/// stored revisions that preconditions compare are read for the whole batch in a few queries (and kept current as the
/// batch writes), and each service touched by instance changes has its row moved once. Log rows go in one prepared
/// single-row insert each: Microsoft.Data.Sqlite binds parameters by name, so a statement's binding cost grows with the
/// square of its parameter count and a 64-row insert (576 parameters) cost more than 64 single-row ones.
/// </summary>
internal sealed class RelationalBatch(Statements statements, BatchQueries queries, IRelationalEngine engine)
{
    private readonly Dictionary<EntityRef, long> _revisions = [];
    private readonly List<Change> _log = [];
    private readonly Dictionary<ServiceKey, (long Revision, bool Explicit)> _touched = [];
    private string? _upsertService;

    public Statements Statements => statements;

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
            foreach (var chunk in kind.Chunk(16))
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
            await statements.WriteAsync(
                _upsertService ??=
                    "INSERT INTO services (namespace, grp, name, definition, revision, explicit) VALUES (@ns, @grp, @name, @definition, @revision, @explicit) " +
                    $"ON CONFLICT (namespace, grp, name) DO UPDATE SET revision = {engine.Greatest}(services.revision, excluded.revision), " +
                    $"explicit = {engine.Greatest}(services.explicit, excluded.explicit)",
                ct, ("@ns", key.Namespace), ("@grp", key.Group), ("@name", key.Name), ("@definition", DefaultDefinition),
                ("@revision", revision), ("@explicit", makesExplicit ? 1 : 0));
        }

        _touched.Clear();
        foreach (var change in _log)
        {
            var row = ChangeCodec.Encode(change);
            await statements.WriteAsync(
                "INSERT INTO change_log (revision, at, kind, namespace, grp, name, item, version, body) " +
                "VALUES (@revision, @at, @kind, @ns, @grp, @name, @item, @version, @body)",
                ct, ("@revision", change.Revision), ("@at", change.At.ToUnixTimeMilliseconds()), ("@kind", row.Kind), ("@ns", row.Namespace),
                ("@grp", row.Group), ("@name", row.Name), ("@item", row.Item), ("@version", row.Version), ("@body", row.Body));
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

        await using var reader = await statements.ReadAsync(sql, ct, values);
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

    private static readonly string DefaultDefinition = ChangeCodec.Json(ServiceDefinition.Default);
}
