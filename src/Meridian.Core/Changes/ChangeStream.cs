using System.Collections.Immutable;

namespace Meridian.Changes;

/// <summary>
/// An in-process fan-out of changes. Handlers run on the publishing thread and must not block (complete a task, write
/// to a channel). Every handler receives the same immutable change object: no per-subscriber copies.
/// </summary>
public sealed class ChangeStream<T>
{
    private ImmutableArray<Action<T>> _handlers = [];

    public IDisposable Subscribe(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ImmutableInterlocked.Update(ref _handlers, static (list, h) => list.Add(h), handler);
        return new Subscription(this, handler);
    }

    public void Publish(T change)
    {
        // ImmutableArray is a struct over one array reference, so this read is atomic and sees a complete list.
        var handlers = _handlers;
        foreach (var handler in handlers.AsSpan())
        {
            handler(change);
        }
    }

    /// <summary>Completes with the first change that matches, or is cancelled by <paramref name="cancellationToken"/>.</summary>
    public async Task<T> WaitAsync(Func<T, bool> predicate, CancellationToken cancellationToken)
    {
        var signal = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = Subscribe(change =>
        {
            if (predicate(change))
            {
                signal.TrySetResult(change);
            }
        });
        await using var registration = cancellationToken.Register(() => signal.TrySetCanceled(cancellationToken));
        return await signal.Task;
    }

    private void Unsubscribe(Action<T> handler) =>
        ImmutableInterlocked.Update(ref _handlers, static (list, h) => list.Remove(h), handler);

    private sealed class Subscription(ChangeStream<T> stream, Action<T> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                stream.Unsubscribe(handler);
            }
        }
    }
}
