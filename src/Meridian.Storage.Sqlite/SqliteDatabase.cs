using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Meridian.Storage.Sqlite;

/// <summary>
/// Owns the database file: opens it in WAL mode, applies migrations, and serialises writes through one connection
/// (SQLite has one writer at a time anyway; queuing here avoids busy retries). Reads open their own pooled connections.
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly string _connectionString;
    private readonly string _synchronous;
    private SqliteConnection? _writer;

    public SqliteDatabase(IOptions<SqliteOptions> options)
    {
        var o = options.Value;
        Path = o.DatabasePath;
        _synchronous = o.Synchronous.ToUpperInvariant();
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public string Path { get; }

    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Opens the file and migrates it on first use, so callers need not agree on who starts first.</summary>
    public async ValueTask EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken);
        try
        {
            if (!_initialized)
            {
                await InitializeAsync(cancellationToken);
                _initialized = true;
            }
        }
        finally
        {
            _initGate.Release();
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _writer = new SqliteConnection(_connectionString);
        await _writer.OpenAsync(cancellationToken);
        await ExecuteAsync(_writer, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={_synchronous}; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;", cancellationToken);
        await ExecuteAsync(_writer, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);", cancellationToken);

        var applied = new HashSet<long>();
        await using (var query = _writer.CreateCommand())
        {
            query.CommandText = "SELECT version FROM schema_migrations";
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt64(0));
            }
        }

        foreach (var (version, sql) in SqliteMigrations.All)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            await using var tx = (SqliteTransaction)await _writer.BeginTransactionAsync(cancellationToken);
            await using (var step = _writer.CreateCommand())
            {
                step.Transaction = tx;
                step.CommandText = sql;
                await step.ExecuteNonQueryAsync(cancellationToken);
                step.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES ($v, datetime('now'))";
                step.Parameters.AddWithValue("$v", version);
                await step.ExecuteNonQueryAsync(cancellationToken);
            }

            await tx.CommitAsync(cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="work"/> on the writer connection, alone. When it returns without throwing, its commit is durable.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        var writer = _writer!;
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            return await work(writer, cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<SqliteConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        _writeGate.Dispose();
        _initGate.Dispose();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
