using Microsoft.Data.Sqlite;

namespace Meridian.Storage.Sqlite;

/// <summary>
/// The writer connection's commands, prepared once per statement text for the life of the connection and reused by
/// every change of every batch: a write costs its bindings and steps, not a parse.
/// </summary>
internal sealed class SqliteStatements(SqliteConnection connection) : IAsyncDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    /// <summary>The transaction the commands run in; set by whoever begins one on the writer connection.</summary>
    public SqliteTransaction? Transaction { get; set; }

    public SqliteCommand Get(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Transaction = Transaction;
        var bound = command.Parameters;
        if (!SameNames(bound, parameters))
        {
            bound.Clear();
            foreach (var (name, _) in parameters)
            {
                bound.Add(new SqliteParameter { ParameterName = name });
            }
        }

        // Each call site passes the same names in the same order, so the parameters made once are only given values.
        for (var i = 0; i < parameters.Length; i++)
        {
            bound[i].Value = parameters[i].Value ?? DBNull.Value;
        }

        return command;
    }

    private static bool SameNames(SqliteParameterCollection bound, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (bound.Count != parameters.Length)
        {
            return false;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            if (!ReferenceEquals(bound[i].ParameterName, parameters[i].Name) && bound[i].ParameterName != parameters[i].Name)
            {
                return false;
            }
        }

        return true;
    }

    public Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        Get(sql, parameters).ExecuteNonQueryAsync(cancellationToken);

    /// <summary>The first column of the first row as a number; 0 when there is no row or it is NULL.</summary>
    public Task<long> ScalarAsync(string sql, CancellationToken cancellationToken, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        ToLong(Get(sql, parameters).ExecuteScalarAsync(cancellationToken));

    private static async Task<long> ToLong(Task<object?> scalar) =>
        await scalar is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }
    }
}
