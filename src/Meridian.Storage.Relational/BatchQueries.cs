using Meridian.Changes;

namespace Meridian.Storage.Relational;

/// <summary>
/// The SQL texts a batch uses whose shape depends on its size (a revision query over n keys), built once and kept with
/// their parameter names, so the writer connection's prepared statements are reused.
/// </summary>
internal sealed class BatchQueries
{
    private readonly Dictionary<(EntityKind, int), (string Sql, string[] Names)> _revisionQueries = [];
    private readonly Lock _gate = new();

    public (string Sql, string[] Names) RevisionQuery(EntityKind kind, int count)
    {
        lock (_gate)
        {
            if (_revisionQueries.TryGetValue((kind, count), out var cached))
            {
                return cached;
            }

            var (table, columns) = kind switch
            {
                EntityKind.Namespace => ("namespaces", new[] { "id" }),
                EntityKind.Service => ("services", new[] { "namespace", "grp", "name" }),
                EntityKind.Instance => ("instances", new[] { "namespace", "grp", "service", "instance_id" }),
                _ => ("configs", new[] { "namespace", "grp", "data_id" }),
            };
            var names = new string[count * columns.Length];
            var tuples = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                var row = new string[columns.Length];
                for (var c = 0; c < columns.Length; c++)
                {
                    row[c] = names[i * columns.Length + c] = $"@k{i}_{c}";
                }

                tuples.Add(columns.Length == 1 ? row[0] : "(" + string.Join(", ", row) + ")");
            }

            var key = columns.Length == 1 ? columns[0] : "(" + string.Join(", ", columns) + ")";
            var sql = $"SELECT {string.Join(", ", columns)}, revision FROM {table} WHERE {key} IN ({(columns.Length == 1 ? string.Join(", ", tuples) : "VALUES " + string.Join(", ", tuples))})";
            return _revisionQueries[(kind, count)] = (sql, names);
        }
    }
}
