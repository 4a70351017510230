using System.Data.Common;
using Meridian.Storage.Relational;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Meridian.Storage.Sqlite;

/// <summary>
/// The SQLite engine: owns the database file, opens it in WAL mode, applies migrations, and serialises writes through
/// one connection (SQLite has one writer at a time anyway; queuing here avoids busy retries). Reads open their own
/// pooled connections.
/// </summary>
public sealed class SqliteDatabase : IRelationalEngine, IAsyncDisposable
{
    private const int SqliteConstraint = 19;

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly string _ephemeralSynchronous;
    private readonly SqliteWalSync? _walSync;
    private readonly InitializeOnce _init;
    private bool _soft;
    private SqliteConnection? _writer;
    private Statements? _statements;

    public SqliteDatabase(IOptions<SqliteOptions> options)
    {
        _init = new InitializeOnce(InitializeAsync);
        var o = options.Value;
        Path = o.DatabasePath;
        _synchronous = o.Synchronous.ToUpperInvariant();
        _ephemeralSynchronous = o.EphemeralSynchronous.ToUpperInvariant();
        if (_synchronous == "FULL")
        {
            // FULL as SQLite does it holds the writer through every fsync. Committing as NORMAL and fsyncing the WAL
            // before anyone is answered gives the same guarantee, with the fsync overlapping the next batch.
            _walSync = new SqliteWalSync(Path + "-wal");
            _synchronous = "NORMAL";
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public string Path { get; }

    public string Description => $"{Path} (SQLite, WAL)";

    public string Greatest => "MAX";

    /// <summary>One writer at a time holds the whole file, so a plain read inside the write transaction is enough.</summary>
    public string ReadCounterForUpdate => "SELECT value FROM revision_counter";

    public bool Shared => false;

    public bool IsConstraintViolation(DbException exception) => exception is SqliteException { SqliteErrorCode: SqliteConstraint };

    /// <summary>SQLITE_FULL: a write, or the journal, found no room on the disk.</summary>
    public bool IsOutOfSpace(Exception exception) => exception.GetBaseException() is SqliteException { SqliteErrorCode: 13 };

    /// <summary>Opens the file and migrates it on first use, so callers need not agree on who starts first.</summary>
    public ValueTask EnsureInitializedAsync(CancellationToken cancellationToken) => _init.EnsureAsync(cancellationToken);

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _writer = new SqliteConnection(_connectionString);
        await _writer.OpenAsync(cancellationToken);
        _statements = new Statements(_writer);
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
                step.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES (@v, datetime('now'))";
                step.Parameters.AddWithValue("@v", version);
                await step.ExecuteNonQueryAsync(cancellationToken);
            }

            await tx.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Completes once every commit made before the call is durable, as <see cref="SqliteOptions.Synchronous"/> (or, for a
    /// <paramref name="soft"/> commit, <see cref="SqliteOptions.EphemeralSynchronous"/>) asks: at once when the commit itself
    /// was synchronous, after an fsync of the WAL when commits are pipelined.
    /// </summary>
    public Task SyncAsync(bool soft) =>
        _walSync is null || (soft && _ephemeralSynchronous == "NORMAL") ? Task.CompletedTask : _walSync.SyncAsync();

    /// <summary>Runs <paramref name="work"/> alone with the writer connection's prepared statements.</summary>
    public async Task<T> WriteAsync<T>(Func<Statements, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            return await work(_statements!, cancellationToken);
        }
        finally
        {
            _statements!.Transaction = null;
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Sets the writer's <c>synchronous</c> for the commit (the ephemeral setting for a soft one, the durable one
    /// otherwise), then begins the transaction.
    /// </summary>
    public async Task<DbTransaction> BeginAsync(Statements statements, bool soft, CancellationToken cancellationToken)
    {
        // Pipelined commits are all NORMAL; what differs is whether SyncAsync waits for an fsync.
        if (soft != _soft && _synchronous != _ephemeralSynchronous && _walSync is null)
        {
            await ExecuteAsync(_writer!, $"PRAGMA synchronous={(soft ? _ephemeralSynchronous : _synchronous)}", cancellationToken);
            _soft = soft;
        }

        var tx = await statements.Connection.BeginTransactionAsync(cancellationToken);
        statements.Transaction = tx;
        return tx;
    }

    /// <summary>A single node has nobody to tell.</summary>
    public Task AnnounceAsync(Statements statements, long revision, CancellationToken cancellationToken) => Task.CompletedTask;

    async Task<DbConnection> IRelationalEngine.OpenReadAsync(CancellationToken cancellationToken) => await OpenReadAsync(cancellationToken);

    public async Task<SqliteConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_statements is not null)
        {
            await _statements.DisposeAsync();
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        _walSync?.Dispose();
        _writeGate.Dispose();
        _init.Dispose();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
