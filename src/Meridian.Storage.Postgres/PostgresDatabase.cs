using System.Data.Common;
using System.Globalization;
using Meridian.Storage.Relational;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Meridian.Storage.Postgres;

/// <summary>
/// The PostgreSQL engine: the database several nodes share. Writes and reads take pooled connections (the driver keeps
/// repeated statements prepared on the server); the revision counter row is locked for the length of a change
/// transaction, so revisions follow commit order across nodes; each change transaction ends with a NOTIFY carrying its
/// last revision, which every node's <see cref="PostgresChangeFeed"/> hears at the commit. Migrations run once, under an
/// advisory transaction lock, however many nodes start at the same moment.
/// </summary>
public sealed class PostgresDatabase : IRelationalEngine, IAsyncDisposable
{
    /// <summary>The channel change transactions NOTIFY on; the payload is the revision the transaction ended at.</summary>
    public const string Channel = "meridian_changes";

    /// <summary>The advisory lock key migrations run under ("meridian" in ASCII).</summary>
    private const long MigrationLock = 0x6d65726964696e;

    /// <summary>The database's clock in Unix milliseconds, the one clock every node's leases and beats are stamped with.</summary>
    internal const string NowMs = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

    private readonly NpgsqlDataSource _source;
    private readonly InitializeOnce _init;

    public PostgresDatabase(IOptions<PostgresOptions> options)
    {
        _init = new InitializeOnce(MigrateAsync);
        var builder = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        ListenerConnectionString = new NpgsqlConnectionStringBuilder(builder.ConnectionString)
        {
            Pooling = false,
            KeepAlive = builder.KeepAlive == 0 ? 5 : builder.KeepAlive,
            MaxAutoPrepare = 0,
        }.ConnectionString;
        Description = $"{builder.Host}:{builder.Port}/{builder.Database} (PostgreSQL)";
        _source = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public string Description { get; }

    /// <summary>A direct, unpooled connection string with keepalive, for LISTEN (a pooled connection would drop it silently).</summary>
    internal string ListenerConnectionString { get; }

    public string Greatest => "GREATEST";

    public string ReadCounterForUpdate => "SELECT value FROM revision_counter WHERE id = 1 FOR UPDATE";

    public bool Shared => true;

    /// <summary>Class 23: integrity constraint violations (unique, foreign key, check, not null).</summary>
    public bool IsConstraintViolation(DbException exception) =>
        exception is PostgresException e && e.SqlState.StartsWith("23", StringComparison.Ordinal);

    /// <summary>Class 53 "insufficient resources": disk_full (53100) and out of memory or connections, all worth retrying later.</summary>
    public bool IsOutOfSpace(Exception exception) => exception.GetBaseException() is PostgresException { SqlState: "53100" };

    public async Task<T> WriteAsync<T>(Func<Statements, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var statements = new Statements(connection);
        return await work(statements, cancellationToken);
    }

    /// <summary>
    /// Every transaction commits synchronously, soft ones too: a commit other nodes have applied must never be lost to a
    /// crash of the database, or its revision would be handed out again and skipped by every node that applied the first.
    /// PostgreSQL's own group commit shares the flush between concurrent transactions.
    /// </summary>
    public async Task<DbTransaction> BeginAsync(Statements statements, bool soft, CancellationToken cancellationToken)
    {
        var tx = await statements.Connection.BeginTransactionAsync(cancellationToken);
        statements.Transaction = tx;
        return tx;
    }

    public Task AnnounceAsync(Statements statements, long revision, CancellationToken cancellationToken) =>
        statements.WriteAsync($"SELECT pg_notify('{Channel}', @revision)", cancellationToken,
            ("@revision", revision.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A commit is durable when it returns (<c>synchronous_commit=on</c>, PostgreSQL's default, for every change).</summary>
    public Task SyncAsync(bool soft) => Task.CompletedTask;

    public async Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        return await _source.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>Closes the idle pooled connections, which a lost server has left dead.</summary>
    internal void ClearPool() => _source.Clear();

    /// <summary>Applies the migrations this database lacks, on first use.</summary>
    public ValueTask EnsureInitializedAsync(CancellationToken cancellationToken) => _init.EnsureAsync(cancellationToken);

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken);
        await ExecuteAsync(connection, tx,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())", cancellationToken);
        var applied = new HashSet<int>();
        await using (var query = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, tx))
        await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var (version, sql) in PostgresMigrations.All)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            await ExecuteAsync(connection, tx, sql, cancellationToken);
            await ExecuteAsync(connection, tx, $"INSERT INTO schema_migrations (version) VALUES ({version})", cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        _init.Dispose();
    }
}
