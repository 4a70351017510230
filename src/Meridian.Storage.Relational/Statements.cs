using System.Data.Common;

namespace Meridian.Storage.Relational;

/// <summary>
/// A write connection's commands, made once per statement text and reused by every change of every batch on that
/// connection: a write costs its bindings and steps, not a parse (SQLite prepares a command once; PostgreSQL's driver
/// prepares repeated texts on the server).
/// </summary>
public sealed class Statements(DbConnection connection) : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    public DbConnection Connection => connection;

    /// <summary>The transaction the commands run in; set by whoever begins one on this connection.</summary>
    public DbTransaction? Transaction { get; set; }

    public DbCommand Get(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
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
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                bound.Add(parameter);
            }
        }

        // Each call site passes the same names in the same order, so the parameters made once are only given values.
        for (var i = 0; i < parameters.Length; i++)
        {
            bound[i].Value = parameters[i].Value ?? DBNull.Value;
        }

        return command;
    }

    private static bool SameNames(DbParameterCollection bound, ReadOnlySpan<(string Name, object? Value)> parameters)
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

    /// <summary>The first column of the first row as a number (a boolean as 0 or 1); 0 when there is no row or it is NULL.</summary>
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

        _commands.Clear();
    }
}
