using System.Collections.Concurrent;
using System.Collections.Immutable;
using Meridian.Client.LoadBalancing;
using Microsoft.Extensions.Primitives;

namespace Meridian.Client.Discovery;

/// <summary>The local state of one service: its current list, who listens for changes, and balancing state.</summary>
internal sealed class CachedService
{
    private readonly Lock _gate = new();
    private volatile ServiceInstances _current;
    private CancellationTokenSource _changed = new();
    private ImmutableArray<Action<ServiceInstances>> _listeners = [];
    private long _cursor = Random.Shared.Next(1000);

    public CachedService(ServiceId id, LoadBalancingRule rule)
    {
        Id = id;
        Rule = rule;
        _current = ServiceInstances.Empty(id);
    }

    public ServiceId Id { get; }
    public LoadBalancingRule Rule { get; }

    public ServiceInstances Current => _current;

    /// <summary>True once a push or a disk snapshot supplied a list.</summary>
    public bool HasData => _current.Revision >= 0;

    /// <summary>
    /// Set once a lookup has waited the initial resolve timeout in vain: later lookups answer at once with what there
    /// is, so a server outage costs one bounded wait per service, not one per call.
    /// </summary>
    public bool GaveUpWaiting { get; set; }

    /// <summary>Completes with the first list; lookups of a service never seen wait on it.</summary>
    public TaskCompletionSource FirstData { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentDictionary<string, InstanceStats> Stats { get; } = new(StringComparer.Ordinal);

    /// <summary>The round-robin position; seeded randomly so many clients do not all start at the same instance.</summary>
    public long NextCursor() => Interlocked.Increment(ref _cursor);

    /// <summary>Fires when the list changes; for change-token consumers such as Microsoft.Extensions.ServiceDiscovery.</summary>
    public IChangeToken ChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }

    public IDisposable Listen(Action<ServiceInstances> listener)
    {
        ImmutableInterlocked.Update(ref _listeners, static (list, l) => list.Add(l), listener);
        return new Subscription(this, listener);
    }

    /// <summary>Swaps in a newer list. False when <paramref name="next"/> is not newer than the current one.</summary>
    public bool TryReplace(ServiceInstances next)
    {
        CancellationTokenSource fired;
        lock (_gate)
        {
            if (next.Revision <= _current.Revision)
            {
                return false;
            }

            _current = next;
            fired = _changed;
            _changed = new CancellationTokenSource();
        }

        FirstData.TrySetResult();
        fired.Cancel();
        fired.Dispose();
        foreach (var listener in _listeners.AsSpan())
        {
            listener(next);
        }

        return true;
    }

    private sealed class Subscription(CachedService owner, Action<ServiceInstances> listener) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref owner._listeners, static (list, l) => list.Remove(l), listener);
    }
}
