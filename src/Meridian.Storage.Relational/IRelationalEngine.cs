using System.Data.Common;

namespace Meridian.Storage.Relational;

/// <summary>
/// What differs between the SQL engines Meridian stores into (SQLite embedded, PostgreSQL for a cluster): how a
/// connection is had and a write transaction begun, made durable and announced, and the few words of SQL that are not
/// shared. Everything else, the rows, the change log and every statement, is written once over ADO.NET.
/// </summary>
public interface IRelationalEngine
{
    /// <summary>Names the database for logs and health: "/var/lib/meridian/meridian.db (SQLite, WAL)".</summary>
    string Description { get; }

    /// <summary>The SQL function giving the larger of two values (<c>MAX</c> in SQLite, <c>GREATEST</c> in PostgreSQL).</summary>
    string Greatest { get; }

    /// <summary>
    /// Reads the revision counter inside a write transaction and holds it until the commit, so revisions follow commit
    /// order even when several nodes write.
    /// </summary>
    string ReadCounterForUpdate { get; }

    /// <summary>
    /// True when several nodes share the database: a node that starts again then releases only the ephemeral instances
    /// its own connections kept, not every node's.
    /// </summary>
    bool Shared { get; }

    /// <summary>Whether <paramref name="exception"/> is a constraint the change broke (the change is refused, the store is fine).</summary>
    bool IsConstraintViolation(DbException exception);

    /// <summary>Whether <paramref name="exception"/> says the disk or the database is out of space (the write is refused, nothing of it kept).</summary>
    bool IsOutOfSpace(Exception exception);

    /// <summary>Runs <paramref name="work"/> with a write connection's statements; it begins its own transactions with <see cref="BeginAsync"/>.</summary>
    Task<T> WriteAsync<T>(Func<Statements, CancellationToken, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>
    /// Begins a write transaction on <paramref name="statements"/> and sets it as theirs. A <paramref name="soft"/> one
    /// holds only changes a restart undoes anyway (ephemeral instances) and may skip its own flush to disk.
    /// </summary>
    Task<DbTransaction> BeginAsync(Statements statements, bool soft, CancellationToken cancellationToken);

    /// <summary>Runs inside a change transaction just before its commit, with the last revision it assigned (a cluster is told of it at commit).</summary>
    Task AnnounceAsync(Statements statements, long revision, CancellationToken cancellationToken);

    /// <summary>Completes once every commit made before the call is durable, as the engine makes that kind of commit durable.</summary>
    Task SyncAsync(bool soft);

    /// <summary>A connection for reads, open; the caller disposes it.</summary>
    Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken);
}
