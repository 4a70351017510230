using System.Data.Common;

namespace Meridian.Storage.Relational;

/// <summary>
/// A write connection's commands, made once per statement text and reused by every change of every batch on that
/// connection: a write costs its bindings and steps, not a parse (SQLite prepares a command once; PostgreSQL's driver
/// prepares repeated texts on the server). Where the driver sends several statements in one round trip (a
/// <see cref="DbBatch"/>: PostgreSQL), the writes whose result nobody reads (<see cref="WriteAsync"/>) wait and go
/// together, before the next read and before the commit: a transaction's length, and so how long it holds the revision
/// counter, stops growing with its number of rows. Elsewhere (SQLite, in process) they run at once.
/// </summary>
public sealed class Statements(DbConnection connection) : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly bool _batches = connection.CanCreateBatch;
    private DbBatch? _pending;
    private DbTransaction? _transaction;

    public DbConnection Connection => connection;

    /// <summary>The transaction the commands run in; set by whoever begins one on this connection.</summary>
    public DbTransaction? Transaction
    {
        get => _transaction;
        set
        {
            _transaction = value;
            _pending?.Dispose();
            _pending = null;
        }
    }

    /// <summary>
    /// A write whose result the caller does not need: sent with the next read, flush or commit where the driver batches
    /// statements, at once otherwise. A failure surfaces there.
    /// </summary>
    public Task WriteAsync(string sql, CancellationToken cancellationToken, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!_batches || _transaction is null)
        {
            return Get(sql, parameters).ExecuteNonQueryAsync(cancellationToken);
        }

        _pending ??= connection.CreateBatch();
        _pending.Transaction = _transaction;
        var command = _pending.CreateBatchCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        _pending.BatchCommands.Add(command);
        return Task.CompletedTask;
    }

    /// <summary>Sends the writes waiting, if any, in one round trip.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending is not { } pending)
        {
            return;
        }

        _pending = null;
        await using (pending)
        {
            await pending.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>A prepared command for a read; the writes waiting go first, so it sees them.</summary>
    public async Task<DbDataReader> ReadAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await FlushAsync(cancellationToken);
        return await Get(sql, parameters).ExecuteReaderAsync(cancellationToken);
    }

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

    /// <summary>Runs a statement now (the writes waiting first) and returns how many rows it changed.</summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await FlushAsync(cancellationToken);
        return await Get(sql, parameters).ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first column of the first row as a number (a boolean as 0 or 1); 0 when there is no row or it is NULL.</summary>
    public async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await FlushAsync(cancellationToken);
        return await Get(sql, parameters).ExecuteScalarAsync(cancellationToken) is { } value and not DBNull
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_pending is not null)
        {
            await _pending.DisposeAsync();
            _pending = null;
        }

        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }

        _commands.Clear();
    }
}
