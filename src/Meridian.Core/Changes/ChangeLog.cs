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
/// Start-up applies the stored state through the same <see cref="Apply"/>.
/// </summary>
public sealed partial class ChangeLog : IHostedService
{
    private readonly IChangeStore _store;
    private readonly IChangeProjection[] _projections;
    private readonly TimeProvider _time;
    private readonly ChangeLogOptions _options;
    private readonly ILogger<ChangeLog> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Committed batches waiting to be durable and applied, in commit order; a few at most, so memory stays close behind the store.</summary>
    private readonly Channel<Committed> _committed = Channel.CreateBounded<Committed>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
    private Task? _writer;
    private Task? _applier;
    private long _revision;
    private int _queued;

    public ChangeLog(IChangeStore store, IEnumerable<IChangeProjection> projections, TimeProvider time, IOptions<ChangeLogOptions> options,
        ILogger<ChangeLog> logger)
    {
        _store = store;
        _projections = [.. projections];
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
        LogLoaded(state.State.Count, state.Revision, state.Tail.Count);
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        _applier = Task.Run(ApplyLoopAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Writes already queued are still committed and answered; later ones are refused.
        _queue.Writer.TryComplete();
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
        }
        catch (Exception e)
        {
            LogCommitFailed(e, batch.Count);
            var failure = new StorageUnavailableException(
                $"The change could not be stored ({e.GetBaseException().Message}); nothing of it was kept. Retry once the store is writable again.", e);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(failure);
            }

            return;
        }

        await _committed.Writer.WriteAsync(new Committed(batch, outcomes, durable));
    }

    /// <summary>Applies committed batches in commit order, each once it is durable, then answers its callers.</summary>
    private async Task ApplyLoopAsync()
    {
        await foreach (var (batch, outcomes, durable) in _committed.Reader.ReadAllAsync())
        {
            Exception? notDurable = null;
            try
            {
                await durable;
            }
            catch (Exception e)
            {
                // The store holds the batch (its readers see it), so memory must too; but nobody may be told it is safe.
                LogNotDurable(e, batch.Count);
                notDurable = new StorageUnavailableException(
                    $"The change was stored but could not be made durable ({e.GetBaseException().Message}); it may not survive a power loss. Check the disk, then read it back.", e);
            }

            for (var i = 0; i < batch.Count; i++)
            {
                if (outcomes[i].Committed is { } change)
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

    private sealed record Committed(List<Pending> Batch, IReadOnlyList<CommitOutcome> Outcomes, Task Durable);

    private sealed class Pending(ChangeRequest request)
    {
        public ChangeRequest Request { get; } = request;

        public TaskCompletionSource<CommitOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Rows} stored row(s) at revision {Revision}; {Tail} recent change(s) kept for resuming watchers")]
    private partial void LogLoaded(int rows, long revision, int tail);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} write(s) could not be stored; each caller was told to retry")]
    private partial void LogCommitFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A committed batch of {Count} write(s) could not be made durable (fsync failed); its callers were told, and it may not survive a power loss. Check the disk")]
    private partial void LogNotDurable(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Applying {Change} at revision {Revision} to {Projection} failed; memory may now differ from the store until a restart. Report this with the exception")]
    private partial void LogApplyFailed(Exception exception, string change, long revision, string projection);
}
