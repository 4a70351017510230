using System.Collections.Concurrent;
using Meridian.Auth;
using Meridian.Changes;

namespace Meridian.Naming;

/// <summary>
/// The registry in memory: namespaces hold services, services hold instances. Only <see cref="Apply"/> changes it, for
/// committed changes, one at a time in revision order; each applied change swaps in one new immutable
/// <see cref="ServiceSnapshot"/> and is published on <see cref="Changes"/>. Reads take no lock.
/// </summary>
public sealed class RegistryProjection(InstanceLeases leases) : IChangeProjection
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<(string Group, string Name), Entry>> _byNamespace =
        new(StringComparer.Ordinal);

    /// <summary>Every change of a service, after it is applied. Handlers run on the log's writer and must not block.</summary>
    public ChangeStream<ServiceChange> Changes { get; } = new();

    public ServiceSnapshot? GetService(ServiceKey key) => Find(key)?.Snapshot;

    public InstanceList? ListInstances(ServiceKey key, InstanceFilter filter)
    {
        var snapshot = Find(key)?.Snapshot;
        return snapshot is null ? null : Select(snapshot, filter);
    }

    /// <summary>Applies a filter and the protect threshold to a snapshot. Without a cluster filter nothing is copied.</summary>
    public static InstanceList Select(ServiceSnapshot snapshot, InstanceFilter filter)
    {
        var all = snapshot.Instances;
        var healthy = snapshot.HealthyEnabled;
        if (filter.Clusters is { Count: > 0 } clusters)
        {
            all = [.. all.Where(i => clusters.Contains(i.Cluster))];
            healthy = [.. healthy.Where(i => clusters.Contains(i.Cluster))];
        }

        if (!filter.HealthyOnly)
        {
            return new InstanceList(snapshot, all, false);
        }

        if (ServiceSnapshot.BelowProtectThreshold(healthy.Length, all.Length, snapshot.Definition.ProtectThreshold))
        {
            var enabled = all.All(i => i.Enabled) ? all : [.. all.Where(i => i.Enabled)];
            return new InstanceList(snapshot, enabled, true);
        }

        return new InstanceList(snapshot, healthy, false);
    }

    /// <summary>A service as a caller reads it: refused unless the caller may read it.</summary>
    public ServiceSnapshot? GetService(ServiceKey key, Caller caller)
    {
        caller.Demand(key, AccessActions.Read);
        return GetService(key);
    }

    /// <summary>A service's instances as a caller reads them: refused unless the caller may read the service.</summary>
    public InstanceList? ListInstances(ServiceKey key, InstanceFilter filter, Caller caller)
    {
        caller.Demand(key, AccessActions.Read);
        return ListInstances(key, filter);
    }

    /// <summary>The services of a namespace that match and that the caller may read; the others are not counted either.</summary>
    public ServicePage ListServices(string ns, string? group, string? nameContains, int pageNo, int pageSize, Caller caller)
    {
        if (!_byNamespace.TryGetValue(ns, out var services))
        {
            return new ServicePage(0, []);
        }

        var matches = services.Values
            .Select(e => e.Snapshot)
            .Where(s => group is null || s.Key.Group == group)
            .Where(s => caller.MayRead(s.Key))
            .Where(s => nameContains is null || s.Key.Name.Contains(nameContains, StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Key.Group, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Name, StringComparer.Ordinal)
            .ToList();
        var page = matches.Skip(Math.Max(0, pageNo - 1) * pageSize).Take(pageSize).ToList();
        return new ServicePage(matches.Count, page);
    }

    public IEnumerable<ServiceSnapshot> AllServices() =>
        _byNamespace.Values.SelectMany(services => services.Values).Select(e => e.Snapshot);

    public int ServiceCount(string ns) => _byNamespace.TryGetValue(ns, out var services) ? services.Count : 0;

    public void Apply(Change change)
    {
        switch (change)
        {
            case ServiceSaved saved:
            {
                var entry = GetOrCreate(saved.Key, saved.Revision);
                entry.Explicit = true;
                Publish(entry, entry.Snapshot.With(saved.Definition, saved.Revision));
                break;
            }

            case ServiceRemoved removed when Find(removed.Key) is { } entry:
                Evict(entry, removed.Revision);
                break;

            case InstanceSaved saved:
            {
                var entry = GetOrCreate(saved.Key, saved.Revision);
                entry.Explicit |= !saved.Instance.Ephemeral;
                leases.Track(saved);
                Publish(entry, entry.Snapshot.With(saved.Instance, saved.Revision));
                break;
            }

            case InstanceRemoved removed when Find(removed.Key) is { } entry:
            {
                leases.Forget(removed.Key, removed.Instance.InstanceId);
                var next = entry.Snapshot.Without(removed.Instance.InstanceId, removed.Revision);
                if (next.Count == 0 && !entry.Explicit)
                {
                    Evict(entry, removed.Revision);
                }
                else
                {
                    Publish(entry, next);
                }

                break;
            }
        }
    }

    private void Publish(Entry entry, ServiceSnapshot snapshot)
    {
        entry.Snapshot = snapshot;
        Changes.Publish(new ServiceChange(ServiceChangeKind.Updated, snapshot));
    }

    /// <summary>Takes a service out of the index, publishing its last state with no instances.</summary>
    private void Evict(Entry entry, long revision)
    {
        var key = entry.Snapshot.Key;
        foreach (var instance in entry.Snapshot.Instances)
        {
            leases.Forget(key, instance.InstanceId);
        }

        if (_byNamespace.TryGetValue(key.Namespace, out var services))
        {
            services.TryRemove(new KeyValuePair<(string, string), Entry>((key.Group, key.Name), entry));
            if (services.IsEmpty)
            {
                _byNamespace.TryRemove(new KeyValuePair<string, ConcurrentDictionary<(string, string), Entry>>(key.Namespace, services));
            }
        }

        var last = ServiceSnapshot.Empty(key, Math.Max(revision, entry.Snapshot.Revision)).With(entry.Snapshot.Definition, revision);
        entry.Snapshot = last;
        Changes.Publish(new ServiceChange(ServiceChangeKind.Removed, last));
    }

    private Entry? Find(ServiceKey key) =>
        _byNamespace.TryGetValue(key.Namespace, out var services) && services.TryGetValue((key.Group, key.Name), out var entry)
            ? entry
            : null;

    private Entry GetOrCreate(ServiceKey key, long revision) =>
        _byNamespace.GetOrAdd(key.Namespace, static _ => new())
            .GetOrAdd((key.Group, key.Name), static (_, state) => new Entry(ServiceSnapshot.Empty(state.key, state.revision)), (key, revision));

    /// <summary>One service's slot. Written only by <see cref="Apply"/>; readers take <see cref="Snapshot"/>.</summary>
    private sealed class Entry(ServiceSnapshot snapshot)
    {
        private volatile ServiceSnapshot _snapshot = snapshot;

        public ServiceSnapshot Snapshot
        {
            get => _snapshot;
            set => _snapshot = value;
        }

        /// <summary>Kept with no instances: its settings were stored, or it held a persistent instance.</summary>
        public bool Explicit { get; set; }
    }
}
