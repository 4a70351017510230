using Meridian.Changes;

namespace Meridian.Persistence;

/// <summary>
/// The store behind the change log: the only place that assigns revisions. Each batch is one transaction that checks
/// every request's preconditions, writes the state rows and appends one change-log row per change. When
/// <see cref="CommitAsync"/> returns, the batch is committed (visible to the store's readers); once the task
/// <see cref="WhenDurable"/> gives right after it completes, the batch is durable too. A store may make it durable in the
/// background while the next batch commits, so the fsync is off the writer's path.
/// </summary>
public interface IChangeStore
{
    /// <summary>The stored state as changes (each at the revision of its row), the log's retained tail, and the last revision.</summary>
    Task<StoredState> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Commits <paramref name="batch"/> in one transaction, assigning revisions in order. One outcome per request, in the
    /// same order. Throws when nothing could be stored (the disk, the database); then nothing of the batch is visible.
    /// </summary>
    Task<IReadOnlyList<CommitOutcome>> CommitAsync(IReadOnlyList<ChangeRequest> batch, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Completes once the batch the last <see cref="CommitAsync"/> committed is durable (as the store makes that kind of
    /// change durable); faults when that could not be made sure (the batch is committed, but may not survive a power
    /// loss). The change log asks right after each commit. A store whose commits are durable when they return answers a
    /// completed task.
    /// </summary>
    Task WhenDurable() => Task.CompletedTask;

    /// <summary>Up to <paramref name="limit"/> changes after <paramref name="revision"/>, in revision order; for catch-up.</summary>
    Task<IReadOnlyList<Change>> ReadAfterAsync(long revision, int limit, CancellationToken cancellationToken);

    /// <summary>Removes log rows committed before <paramref name="cutoff"/> (state rows stay); returns how many.</summary>
    Task<int> CompactAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <param name="Revision">The highest revision committed.</param>
/// <param name="State">Every stored row as the change that made it, namespaces first, then services, instances and configs.</param>
/// <param name="Tail">The retained log, oldest first: what changed recently, for watchers that resume from a revision.</param>
public sealed record StoredState(long Revision, IReadOnlyList<Change> State, IReadOnlyList<Change> Tail);
