using System.Threading.Channels;
using Meridian.Persistence;
using Meridian.Validation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Changes;

/// <summary>
/// The one path into memory. A command appends a <see cref="ChangeRequest"/>; one writer loop takes every request that
/// arrived while the previous commit was in flight into the next store transaction (group commit: one commit and one
/// fsync per batch). A committed batch goes to the apply loop, which waits until the store says it is durable, applies
/// each change, in revision order, to every projection and to the <see cref="Window"/>, and only then answers the
/// callers; meanwhile the writer already commits the next batch, so the fsync of one batch overlaps the next.
/// Start-up applies the stored state through the same <see cref="Apply"/>, and so do changes other nodes commit to a
/// shared store: an <see cref="IChangeFeed"/> says when to look, and the apply loop reads the log after the revision it
/// applied, before anything newer of its own, so memory follows the store's revision order whoever wrote.
/// </summary>
public sealed partial class ChangeLog : IHostedService
{
    private readonly IChangeStore _store;
    private readonly WriteHealth _health;
    private readonly Telemetry.ServerMetrics _metrics;
    private readonly IChangeProjection[] _projections;
    private readonly IChangeFeed[] _feeds;
    private readonly TimeProvider _time;
    private readonly ChangeLogOptions _options;
    private readonly ILogger<ChangeLog> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>
    /// Committed batches waiting to be durable and applied, in commit order, and requests to catch up with the store; a
    /// few at most, so memory stays close behind the store.
    /// </summary>
    private readonly Channel<Committed> _committed = Channel.CreateBounded<Committed>(new BoundedChannelOptions(4) { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _writer;
    private Task? _applier;
    private Task? _follower;
    private int _catchUpQueued;

    /// <summary>The highest revision this node's writer has committed (applied or about to be).</summary>
    private long _committedHere;

    /// <summary>Not a batch: asks the apply loop to read what the store has after memory's revision.</summary>
    private readonly Committed _catchUp = new([], [], Task.CompletedTask);
    private long _revision;
    private int _queued;

    public ChangeLog(IChangeStore store, IEnumerable<IChangeProjection> projections, IEnumerable<IChangeFeed> feeds, TimeProvider time,
        IOptions<ChangeLogOptions> options, WriteHealth health, Telemetry.ServerMetrics metrics, ILogger<ChangeLog> logger)
    {
        _store = store;
        _metrics = metrics;
        _health = health;
        _projections = [.. projections];
        _feeds = [.. feeds];
        _time = time;
        _options = options.Value;
        _logger = logger;
        Window = new ChangeWindow(time, _options.Retention, _options.MaxWindowEntries);
    }

    /// <summary>The highest revision applied to memory.</summary>
    public long Revision => Volatile.Read(ref _revision);

    public ChangeWindow Window { get; }

    /// <summary>Requests waiting for the next commit (the reader of a single-reader channel cannot count them).</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>
    /// Appends one change and returns it as committed (with its revision) once it is durable and applied. Throws
    /// <see cref="ConflictException"/> when a precondition no longer held, <see cref="StorageUnavailableException"/> when
    /// the store could not take it. Once queued, a write is not withdrawn: cancelling only stops the wait.
    /// </summary>
    public async Task<Change> AppendAsync(ChangeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pending = new Pending(request);
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _queued);
            throw new StorageUnavailableException("The server is stopping and takes no more writes; send it to another server or retry after the restart.");
        }

        var outcome = await pending.Done.Task.WaitAsync(cancellationToken);
        return outcome.Committed ?? throw new ConflictException(outcome.Rejection!);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var state = await _store.LoadAsync(cancellationToken);
        foreach (var change in state.State)
        {
            Apply(change, recordInWindow: false);
        }

        Window.Reset(state.Revision, state.Tail);
        Volatile.Write(ref _revision, state.Revision);
        var loaded = LoadedCounts.Of(state.State);
        LogLoaded(loaded.Namespaces, loaded.Services, loaded.Instances, loaded.Configs, state.Revision, state.Tail.Count);
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        _applier = Task.Run(ApplyLoopAsync, CancellationToken.None);
        if (_feeds.Length > 0)
        {
            _follower = Task.Run(() => FollowAsync(_stopping.Token), CancellationToken.None);

            // Whatever other nodes committed between the load and the feed's first word.
            RequestCatchUp();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Writes already queued are still committed and answered; later ones are refused.
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        if (_follower is not null)
        {
            await _follower.WaitAsync(cancellationToken);
        }

        if (_writer is not null)
        {
            await _writer.WaitAsync(cancellationToken);
        }

        if (_applier is not null)
        {
            await _applier.WaitAsync(cancellationToken);
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                var batch = new List<Pending>();
                Drain(batch);

                // Callers answered by the last commit are often about to write again: let them, then take them along.
                await Task.Yield();
                Drain(batch);

                await CommitAsync(batch);
            }
        }
        finally
        {
            _committed.Writer.TryComplete();
        }
    }

    private void Drain(List<Pending> batch)
    {
        while (batch.Count < _options.MaxBatch && _queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
            Interlocked.Decrement(ref _queued);
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        IReadOnlyList<CommitOutcome> outcomes;
        Task durable;
        try
        {
            outcomes = await _store.CommitAsync([.. batch.Select(p => p.Request)], _time.GetUtcNow(), CancellationToken.None);
            durable = _store.WhenDurable();
            _health.Succeeded();
            if (LastRevision(outcomes) is { } last)
            {
                Volatile.Write(ref _committedHere, last);
            }
        }
        catch (Exception e)
        {
            LogCommitFailed(e, batch.Count);
            _health.Failed(e);
            _metrics.CommitFailed();
            var failure = e as StorageUnavailableException ?? new StorageUnavailableException(
                $"The change could not be stored ({e.GetBaseException().Message}); nothing of it was kept. Retry once the store is writable again.", e);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(failure);
            }

            return;
        }

        await _committed.Writer.WriteAsync(new Committed(batch, outcomes, durable));
    }

    /// <summary>Turns the feed's word that the store moved into catch-up requests for the apply loop (at most one waiting).</summary>
    private async Task FollowAsync(CancellationToken stopping)
    {
        try
        {
            await Task.WhenAll(_feeds.Select(feed => FollowOneAsync(feed, stopping)));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task FollowOneAsync(IChangeFeed feed, CancellationToken stopping)
    {
        try
        {
            await foreach (var revision in feed.WatchAsync(stopping))
            {
                // A revision at or below this node's own last commit was committed before it, so applying that commit
                // reads it first anyway (this node also hears its own announcements).
                if (revision == 0 || revision > Math.Max(Revision, Volatile.Read(ref _committedHere)))
                {
                    RequestCatchUp();
                }
            }
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            LogFeedFailed(e, feed.GetType().Name);
            throw;
        }
    }

    private void RequestCatchUp()
    {
        if (Interlocked.Exchange(ref _catchUpQueued, 1) == 0 && !_committed.Writer.TryWrite(_catchUp))
        {
            // The apply loop has batches queued; the catch-up goes in behind them (it is the same read either way).
            _ = WriteCatchUpAsync();
        }
    }

    /// <summary>A catch-up the store could not serve is asked for again a second later, not only at the feed's next word.</summary>
    private async Task RetryCatchUpAsync()
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), _time, _stopping.Token);
            RequestCatchUp();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriteCatchUpAsync()
    {
        try
        {
            await _committed.Writer.WriteAsync(_catchUp);
        }
        catch (ChannelClosedException)
        {
        }
    }

    /// <summary>
    /// Applies, in revision order, what the store holds after the revision memory is at and up to <paramref name="until"/>
    /// (everything, when it is <see cref="long.MaxValue"/>): other nodes' changes, and this node's own when the read
    /// comes first. Returns false when the store could not be read.
    /// </summary>
    private async Task<bool> CatchUpAsync(long until)
    {
        var from = Revision;
        try
        {
            while (Revision < until)
            {
                var changes = await _store.ReadAfterAsync(Revision, CatchUpPage, CancellationToken.None);
                LogCaughtUp(from, changes.Count);
                foreach (var change in changes)
                {
                    if (change.Revision > until)
                    {
                        return true;
                    }

                    Apply(change, recordInWindow: true);
                }

                if (changes.Count < CatchUpPage)
                {
                    return true;
                }
            }

            return true;
        }
        catch (Exception e)
        {
            LogCatchUpFailed(e, Revision);
            return false;
        }
    }

    private const int CatchUpPage = 1000;

    /// <summary>Applies committed batches in commit order, each once it is durable, then answers its callers.</summary>
    private async Task ApplyLoopAsync()
    {
        await foreach (var committed in _committed.Reader.ReadAllAsync())
        {
            if (ReferenceEquals(committed, _catchUp))
            {
                Volatile.Write(ref _catchUpQueued, 0);
                if (!await CatchUpAsync(long.MaxValue))
                {
                    _ = RetryCatchUpAsync();
                }

                continue;
            }

            var (batch, outcomes, durable) = committed;
            if (_feeds.Length > 0 && FirstRevision(outcomes) is { } first && first > Revision + 1)
            {
                // Other nodes committed in between: their changes go first, so memory keeps the store's order. The
                // store has just taken a commit, so a failed read is retried before this batch is applied anyway.
                for (var attempt = 1; !await CatchUpAsync(first - 1) && attempt < 3; attempt++)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time);
                }
            }

            Exception? notDurable = null;
            try
            {
                await durable;
            }
            catch (Exception e)
            {
                // The store holds the batch (its readers see it), so memory must too; but nobody may be told it is safe.
                LogNotDurable(e, batch.Count);
                _health.Failed(e);
                notDurable = new StorageUnavailableException(
                    $"The change was stored but could not be made durable ({e.GetBaseException().Message}); it may not survive a power loss. Check the disk, then read it back.", e);
            }

            for (var i = 0; i < batch.Count; i++)
            {
                // A catch-up may have applied this node's own change already, read back from the store.
                if (outcomes[i].Committed is { } change && change.Revision > Revision)
                {
                    Apply(change, recordInWindow: true);
                }
            }

            for (var i = 0; i < batch.Count; i++)
            {
                if (notDurable is not null && outcomes[i].Committed is not null)
                {
                    batch[i].Done.TrySetException(notDurable);
                }
                else
                {
                    batch[i].Done.TrySetResult(outcomes[i]);
                }
            }
        }
    }

    /// <summary>The one way a committed change reaches memory.</summary>
    private void Apply(Change change, bool recordInWindow)
    {
        foreach (var projection in _projections)
        {
            try
            {
                projection.Apply(change);
            }
            catch (Exception e)
            {
                LogApplyFailed(e, change.GetType().Name, change.Revision, projection.GetType().Name);
            }
        }

        if (recordInWindow)
        {
            Window.Append(change);
        }

        if (change.Revision > Volatile.Read(ref _revision))
        {
            Volatile.Write(ref _revision, change.Revision);
        }
    }

    private static long? LastRevision(IReadOnlyList<CommitOutcome> outcomes)
    {
        for (var i = outcomes.Count - 1; i >= 0; i--)
        {
            if (outcomes[i].Committed is { } change)
            {
                return change.Revision;
            }
        }

        return null;
    }

    private static long? FirstRevision(IReadOnlyList<CommitOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            if (outcome.Committed is { } change)
            {
                return change.Revision;
            }
        }

        return null;
    }

    private sealed record Committed(List<Pending> Batch, IReadOnlyList<CommitOutcome> Outcomes, Task Durable);

    private sealed class Pending(ChangeRequest request)
    {
        public ChangeRequest Request { get; } = request;

        public TaskCompletionSource<CommitOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Namespaces} namespace(s), {Services} service(s), {Instances} instance(s) and {Configs} config(s) at revision {Revision}; {Tail} recent change(s) kept for resuming watchers")]
    private partial void LogLoaded(int namespaces, int services, int instances, int configs, long revision, int tail);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} write(s) could not be stored; each caller was told to retry")]
    private partial void LogCommitFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A committed batch of {Count} write(s) could not be made durable (fsync failed); its callers were told, and it may not survive a power loss. Check the disk")]
    private partial void LogNotDurable(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Feed} stopped telling of other nodes' changes; this node no longer follows them until it restarts. Report this with the exception")]
    private partial void LogFeedFailed(Exception exception, string feed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read {Count} change(s) after revision {Revision} from the store")]
    private partial void LogCaughtUp(long revision, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the changes after revision {Revision} from the store; the next notification or poll tries again")]
    private partial void LogCatchUpFailed(Exception exception, long revision);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Applying {Change} at revision {Revision} to {Projection} failed; memory may now differ from the store until a restart. Report this with the exception")]
    private partial void LogApplyFailed(Exception exception, string change, long revision, string projection);
}
