using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Meridian.Changes;
using Meridian.Namespaces;
using Meridian.Persistence;
using Meridian.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Naming;

/// <summary>
/// The registry: namespaces hold services, services hold instances. Every change to a service happens under that
/// service's own lock, produces a new immutable snapshot with a new revision and is published on <see cref="Changes"/>.
/// Reads and heartbeats take no lock.
/// </summary>
public sealed partial class ServiceRegistry(
    NamespaceCatalog namespaces,
    IRegistryStore store,
    RevisionClock revisions,
    TimeProvider time,
    IOptions<RegistryOptions> options,
    ILogger<ServiceRegistry> logger)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<(string Group, string Name), ServiceEntry>> _byNamespace =
        new(StringComparer.Ordinal);

    private readonly RegistryOptions _options = options.Value;

    public ChangeStream<ServiceChange> Changes { get; } = new();

    public TimeSpan HeartbeatInterval => _options.HeartbeatInterval;

    public Task<Instance> RegisterAsync(ServiceKey key, InstanceRegistration registration, CancellationToken cancellationToken) =>
        RegisterAsync(key, registration, connectionId: null, cancellationToken);

    /// <summary>
    /// Registers an instance on behalf of a client connection. An ephemeral instance registered this way lives as long
    /// as the connection instead of by heartbeat, until <see cref="ReleaseConnection"/>; persistent ones ignore it.
    /// </summary>
    public async Task<Instance> RegisterAsync(ServiceKey key, InstanceRegistration registration, string? connectionId, CancellationToken cancellationToken)
    {
        var instance = BuildInstance(key, registration);
        namespaces.RequireExisting(key.Namespace);
        if (instance.Ephemeral)
        {
            return Upsert(key, instance, persistDefinition: false, connectionId);
        }

        while (true)
        {
            var entry = GetOrCreate(key);
            await entry.StoreGate.WaitAsync(cancellationToken);
            try
            {
                if (entry.Removed)
                {
                    continue;
                }

                RejectEphemeralityChange(entry, instance);
                if (!entry.Persisted)
                {
                    await store.SaveServiceAsync(key, entry.Snapshot.Definition, cancellationToken);
                }

                await store.SaveInstanceAsync(key, instance, cancellationToken);
                return Upsert(key, instance, persistDefinition: true, connectionId: null);
            }
            finally
            {
                entry.StoreGate.Release();
            }
        }
    }

    public async Task DeregisterAsync(ServiceKey key, string instanceId, CancellationToken cancellationToken)
    {
        var entry = Find(key) ?? throw ServiceNotFound(key);
        if (!entry.Leases.TryGetValue(instanceId, out var lease))
        {
            throw InstanceNotFound(key, instanceId);
        }

        if (lease.Ephemeral)
        {
            Remove(entry, instanceId);
            return;
        }

        await entry.StoreGate.WaitAsync(cancellationToken);
        try
        {
            await store.DeleteInstanceAsync(key, instanceId, cancellationToken);
            Remove(entry, instanceId);
        }
        finally
        {
            entry.StoreGate.Release();
        }
    }

    public async Task<Instance> UpdateInstanceAsync(ServiceKey key, string instanceId, InstancePatch patch, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        Rules.Weight(errors, "weight", patch.Weight);
        Rules.Metadata(errors, "metadata", patch.Metadata);
        errors.ThrowIfAny();

        var entry = Find(key) ?? throw ServiceNotFound(key);
        var current = FindInstance(entry.Snapshot, instanceId) ?? throw InstanceNotFound(key, instanceId);
        if (current.Ephemeral)
        {
            return Patch(entry, key, instanceId, patch);
        }

        await entry.StoreGate.WaitAsync(cancellationToken);
        try
        {
            current = FindInstance(entry.Snapshot, instanceId) ?? throw InstanceNotFound(key, instanceId);
            await store.SaveInstanceAsync(key, ApplyPatch(current, patch), cancellationToken);
            return Patch(entry, key, instanceId, patch);
        }
        finally
        {
            entry.StoreGate.Release();
        }
    }

    /// <summary>Renews an ephemeral instance. Allocation-free unless the instance was unhealthy and comes back.</summary>
    public bool Heartbeat(ServiceKey key, string instanceId)
    {
        var entry = Find(key);
        if (entry is null || !entry.Leases.TryGetValue(instanceId, out var lease))
        {
            return false;
        }

        lease.Beat(time.GetTimestamp());
        if (lease.Ephemeral && lease.MarkedUnhealthy)
        {
            SetHealth(entry, instanceId, healthy: true);
        }

        return true;
    }

    /// <summary>Marks an instance healthy or not; used by server-side probes and by clients reporting their own health.</summary>
    public bool SetHealth(ServiceKey key, string instanceId, bool healthy)
    {
        var entry = Find(key);
        return entry is not null && entry.Leases.ContainsKey(instanceId) && SetHealth(entry, instanceId, healthy);
    }

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
            all = [.. snapshot.Instances.Where(i => clusters.Contains(i.Cluster))];
            healthy = [.. snapshot.HealthyEnabled.Where(i => clusters.Contains(i.Cluster))];
        }

        if (!filter.HealthyOnly)
        {
            return new InstanceList(snapshot, all, false);
        }

        var threshold = snapshot.Definition.ProtectThreshold;
        if (all.Length > 0 && threshold > 0 && (double)healthy.Length / all.Length < threshold)
        {
            var enabled = all.All(i => i.Enabled) ? all : [.. all.Where(i => i.Enabled)];
            return new InstanceList(snapshot, enabled, true);
        }

        return new InstanceList(snapshot, healthy, false);
    }

    public ServicePage ListServices(string ns, string? group, string? nameContains, int pageNo, int pageSize)
    {
        if (!_byNamespace.TryGetValue(ns, out var services))
        {
            return new ServicePage(0, []);
        }

        var matches = services.Values
            .Select(e => e.Snapshot)
            .Where(s => group is null || s.Key.Group == group)
            .Where(s => nameContains is null || s.Key.Name.Contains(nameContains, StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Key.Group, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Name, StringComparer.Ordinal)
            .ToList();
        var page = matches.Skip(Math.Max(0, pageNo - 1) * pageSize).Take(pageSize).ToList();
        return new ServicePage(matches.Count, page);
    }

    public IEnumerable<ServiceSnapshot> AllServices() =>
        _byNamespace.Values.SelectMany(services => services.Values).Select(e => e.Snapshot);

    public bool HasServices(string ns) => _byNamespace.TryGetValue(ns, out var services) && !services.IsEmpty;

    public int ServiceCount(string ns) => _byNamespace.TryGetValue(ns, out var services) ? services.Count : 0;

    /// <summary>Creates or updates a service's settings. The service is then kept even with no instances.</summary>
    public async Task<ServiceSnapshot> UpsertServiceAsync(ServiceKey key, ServiceDefinition definition, CancellationToken cancellationToken)
    {
        ValidateKey(key);
        ValidateDefinition(definition);
        namespaces.RequireExisting(key.Namespace);
        while (true)
        {
            var entry = GetOrCreate(key);
            await entry.StoreGate.WaitAsync(cancellationToken);
            try
            {
                if (entry.Removed)
                {
                    continue;
                }

                await store.SaveServiceAsync(key, definition, cancellationToken);
                lock (entry.Gate)
                {
                    entry.Persisted = true;
                    return Publish(entry, entry.Snapshot.With(definition, revisions.Next()));
                }
            }
            finally
            {
                entry.StoreGate.Release();
            }
        }
    }

    public async Task DeleteServiceAsync(ServiceKey key, CancellationToken cancellationToken)
    {
        var entry = Find(key) ?? throw ServiceNotFound(key);
        await entry.StoreGate.WaitAsync(cancellationToken);
        try
        {
            if (entry.Snapshot.Instances.Length > 0)
            {
                throw new ConflictException(
                    $"Service '{key}' still has {entry.Snapshot.Instances.Length} instance(s); deregister them before deleting the service.");
            }

            await store.DeleteServiceAsync(key, cancellationToken);
            lock (entry.Gate)
            {
                if (entry.Snapshot.Instances.Length > 0)
                {
                    throw new ConflictException($"Service '{key}' gained an instance while being deleted; try again.");
                }

                Evict(entry);
            }
        }
        finally
        {
            entry.StoreGate.Release();
        }
    }

    internal void Load(RegistryData data)
    {
        namespaces.Load(data.Namespaces);
        foreach (var service in data.Services)
        {
            var entry = GetOrCreate(service.Key);
            lock (entry.Gate)
            {
                entry.Persisted = true;
                entry.Snapshot = entry.Snapshot.With(service.Definition, revisions.Next());
            }
        }

        foreach (var stored in data.Instances)
        {
            Upsert(stored.Key, stored.Instance, persistDefinition: true, connectionId: null);
        }
    }

    internal IEnumerable<(ServiceSnapshot Snapshot, InstanceLease Lease)> PersistentLeases()
    {
        foreach (var services in _byNamespace.Values)
        {
            foreach (var entry in services.Values)
            {
                foreach (var lease in entry.Leases.Values)
                {
                    if (!lease.Ephemeral)
                    {
                        yield return (entry.Snapshot, lease);
                    }
                }
            }
        }
    }

    internal InstanceLease? FindLease(ServiceKey key, string instanceId) =>
        Find(key) is { } entry && entry.Leases.TryGetValue(instanceId, out var lease) ? lease : null;

    private Instance Upsert(ServiceKey key, Instance instance, bool persistDefinition, string? connectionId)
    {
        while (true)
        {
            var entry = GetOrCreate(key);
            lock (entry.Gate)
            {
                if (entry.Removed)
                {
                    continue;
                }

                RejectEphemeralityChange(entry, instance);
                var now = time.GetTimestamp();
                if (entry.Leases.TryGetValue(instance.InstanceId, out var lease))
                {
                    lease.Beat(now);
                    lease.MarkedUnhealthy = !instance.Healthy;
                    // The latest registrant owns the instance: a plain registration hands it back to heartbeats.
                    lease.ConnectionId = instance.Ephemeral ? connectionId : null;
                }
                else
                {
                    var (heartbeat, delete) = Timeouts(instance);
                    entry.Leases[instance.InstanceId] = new InstanceLease(instance.InstanceId, instance.Ephemeral, heartbeat, delete, now)
                    {
                        MarkedUnhealthy = !instance.Healthy,
                        ConnectionId = instance.Ephemeral ? connectionId : null,
                    };
                }

                entry.Persisted |= persistDefinition;
                var instances = entry.Snapshot.Instances;
                var index = IndexOf(instances, instance.InstanceId);
                if (index < 0)
                {
                    Commit(entry, instances.Add(instance));
                }
                else if (!SameInstance(instances[index], instance))
                {
                    Commit(entry, instances.SetItem(index, instance));
                }

                return instance;
            }
        }
    }

    private Instance Patch(ServiceEntry entry, ServiceKey key, string instanceId, InstancePatch patch)
    {
        lock (entry.Gate)
        {
            var instances = entry.Snapshot.Instances;
            var index = IndexOf(instances, instanceId);
            if (index < 0 || entry.Removed)
            {
                throw InstanceNotFound(key, instanceId);
            }

            var updated = ApplyPatch(instances[index], patch);
            Commit(entry, instances.SetItem(index, updated));
            return updated;
        }
    }

    private bool SetHealth(ServiceEntry entry, string instanceId, bool healthy)
    {
        lock (entry.Gate)
        {
            var instances = entry.Snapshot.Instances;
            var index = IndexOf(instances, instanceId);
            if (index < 0 || entry.Removed)
            {
                return false;
            }

            if (entry.Leases.TryGetValue(instanceId, out var lease))
            {
                lease.MarkedUnhealthy = !healthy;
            }

            if (instances[index].Healthy != healthy)
            {
                Commit(entry, instances.SetItem(index, instances[index] with { Healthy = healthy }));
            }

            return true;
        }
    }

    private void Remove(ServiceEntry entry, string instanceId)
    {
        lock (entry.Gate)
        {
            var instances = entry.Snapshot.Instances;
            var index = IndexOf(instances, instanceId);
            if (index < 0 || entry.Removed)
            {
                throw InstanceNotFound(entry.Snapshot.Key, instanceId);
            }

            entry.Leases.TryRemove(instanceId, out _);
            Commit(entry, instances.RemoveAt(index));
        }
    }

    /// <summary>Swaps in a new instance list. Must hold <see cref="ServiceEntry.Gate"/>.</summary>
    private void Commit(ServiceEntry entry, ImmutableArray<Instance> instances)
    {
        if (instances == entry.Snapshot.Instances)
        {
            return;
        }

        Publish(entry, entry.Snapshot.With(instances, revisions.Next()));
        if (instances.IsEmpty && !entry.Persisted)
        {
            Evict(entry);
        }
    }

    private ServiceSnapshot Publish(ServiceEntry entry, ServiceSnapshot snapshot)
    {
        entry.Snapshot = snapshot;
        Changes.Publish(new ServiceChange(ServiceChangeKind.Updated, snapshot));
        return snapshot;
    }

    /// <summary>Takes an empty service out of the index. Must hold <see cref="ServiceEntry.Gate"/>.</summary>
    private void Evict(ServiceEntry entry)
    {
        var key = entry.Snapshot.Key;
        entry.Removed = true;
        if (_byNamespace.TryGetValue(key.Namespace, out var services))
        {
            services.TryRemove(new KeyValuePair<(string, string), ServiceEntry>((key.Group, key.Name), entry));
        }

        var last = entry.Snapshot.With(ImmutableArray<Instance>.Empty, revisions.Next());
        entry.Snapshot = last;
        Changes.Publish(new ServiceChange(ServiceChangeKind.Removed, last));
    }

    private ServiceEntry? Find(ServiceKey key) =>
        _byNamespace.TryGetValue(key.Namespace, out var services) && services.TryGetValue((key.Group, key.Name), out var entry)
            ? entry
            : null;

    private ServiceEntry GetOrCreate(ServiceKey key)
    {
        var services = _byNamespace.GetOrAdd(key.Namespace, static _ => new());
        return services.GetOrAdd(
            (key.Group, key.Name),
            static (_, state) => new ServiceEntry(ServiceSnapshot.Create(state.key, ServiceDefinition.Default, [], state.revisions.Next())),
            (key, revisions));
    }

    private static Instance? FindInstance(ServiceSnapshot snapshot, string instanceId)
    {
        var index = IndexOf(snapshot.Instances, instanceId);
        return index < 0 ? null : snapshot.Instances[index];
    }

    private static int IndexOf(ImmutableArray<Instance> instances, string instanceId)
    {
        for (var i = 0; i < instances.Length; i++)
        {
            if (string.Equals(instances[i].InstanceId, instanceId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool SameInstance(Instance a, Instance b) =>
        a.Ip == b.Ip && a.Port == b.Port && a.Weight.Equals(b.Weight) && a.Healthy == b.Healthy && a.Enabled == b.Enabled &&
        a.Cluster == b.Cluster && a.Metadata.Count == b.Metadata.Count &&
        a.Metadata.All(p => b.Metadata.TryGetValue(p.Key, out var v) && v == p.Value);
}
