using System.Collections.Concurrent;
using System.Collections.Immutable;
using Meridian.Naming;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Eureka.Registry;

/// <summary>One instance change kept for <c>/apps/delta</c>.</summary>
internal sealed record EurekaDeltaItem(long AtTimestamp, string ActionType, ServiceKey Key, Instance Instance);

/// <summary>
/// Eureka's recently-changed queue, fed from the registry's change stream: each service change is compared with the
/// service's previous instances to find which instances were ADDED, MODIFIED or DELETED. Instances are immutable and
/// the registry keeps unchanged ones by reference, so the comparison is a reference check per instance. Bounded in
/// both age (<see cref="EurekaOptions.DeltaRetention"/>) and count (<see cref="EurekaOptions.DeltaCapacity"/>).
/// </summary>
internal sealed class EurekaDeltaQueue : IDisposable
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";

    private readonly EurekaApps _apps;
    private readonly TimeProvider _time;
    private readonly EurekaOptions _options;
    private readonly ConcurrentQueue<EurekaDeltaItem> _items = new();
    private readonly ConcurrentDictionary<ServiceKey, ImmutableArray<Instance>> _last = new();
    private readonly IDisposable _subscription;
    private int _count;

    public EurekaDeltaQueue(ServiceRegistry registry, EurekaApps apps, TimeProvider time, IOptions<EurekaOptions> options)
    {
        _apps = apps;
        _time = time;
        _options = options.Value;
        _subscription = registry.Changes.Subscribe(OnChange);
        foreach (var snapshot in registry.AllServices())
        {
            if (apps.IsEureka(snapshot.Key))
            {
                _last.TryAdd(snapshot.Key, snapshot.Instances);
            }
        }
    }

    /// <summary>The changes still within retention, oldest first.</summary>
    public IReadOnlyList<EurekaDeltaItem> Recent()
    {
        Trim();
        return [.. _items];
    }

    public void Dispose() => _subscription.Dispose();

    private void OnChange(ServiceChange change)
    {
        if (!_apps.IsEureka(change.Key))
        {
            return;
        }

        // Changes of one service arrive one at a time (the registry publishes under the service's lock).
        var current = change.Kind == ServiceChangeKind.Removed ? ImmutableArray<Instance>.Empty : change.Snapshot.Instances;
        var previous = _last.TryGetValue(change.Key, out var last) ? last : ImmutableArray<Instance>.Empty;
        if (current.IsEmpty)
        {
            _last.TryRemove(change.Key, out _);
        }
        else
        {
            _last[change.Key] = current;
        }

        if (previous == current)
        {
            return;
        }

        var now = _time.GetTimestamp();
        Dictionary<string, Instance>? before = previous.IsEmpty ? null : previous.ToDictionary(i => i.InstanceId, StringComparer.Ordinal);
        foreach (var instance in current)
        {
            if (before is not null && before.Remove(instance.InstanceId, out var old))
            {
                if (!ReferenceEquals(old, instance))
                {
                    Enqueue(new EurekaDeltaItem(now, Modified, change.Key, instance));
                }
            }
            else
            {
                Enqueue(new EurekaDeltaItem(now, Added, change.Key, instance));
            }
        }

        foreach (var gone in before?.Values ?? Enumerable.Empty<Instance>())
        {
            Enqueue(new EurekaDeltaItem(now, Deleted, change.Key, gone));
        }

        Trim();
    }

    private void Enqueue(EurekaDeltaItem item)
    {
        _items.Enqueue(item);
        Interlocked.Increment(ref _count);
    }

    private void Trim()
    {
        while (_items.TryPeek(out var oldest) &&
               (Volatile.Read(ref _count) > _options.DeltaCapacity || _time.GetElapsedTime(oldest.AtTimestamp) > _options.DeltaRetention))
        {
            if (_items.TryDequeue(out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }
}
