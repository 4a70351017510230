using System.Collections.Concurrent;
using System.Globalization;
using Meridian.Changes;
using Microsoft.Extensions.Options;

namespace Meridian.Naming;

/// <summary>
/// Who keeps each instance alive and when it was last heard from. The registry projection tracks a lease for every
/// instance it applies; heartbeats only stamp a lease, the expiry sweep reads them, and a client session's instances
/// are found through its owner id without scanning the registry.
/// </summary>
public sealed class InstanceLeases(TimeProvider time, IOptions<RegistryOptions> options)
{
    private readonly ConcurrentDictionary<(ServiceKey Key, string Id), InstanceLease> _leases = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<(ServiceKey Key, string Id), byte>> _byOwner = new(StringComparer.Ordinal);
    private readonly RegistryOptions _options = options.Value;

    public InstanceLease? Find(ServiceKey key, string instanceId) => _leases.GetValueOrDefault((key, instanceId));

    public IEnumerable<InstanceLease> All => _leases.Values;

    public int Count => _leases.Count;

    /// <summary>The instances a client session keeps alive.</summary>
    public IReadOnlyList<(ServiceKey Key, string Id)> OwnedBy(string owner) =>
        _byOwner.TryGetValue(owner, out var owned) ? [.. owned.Keys] : [];

    /// <summary>The client sessions of node <paramref name="nodeId"/> that keep instances alive (owners <c>{node}/{session}</c>).</summary>
    public IReadOnlyList<string> OwnersOnNode(string nodeId)
    {
        var prefix = nodeId + "/";
        return [.. _byOwner.Keys.Where(o => o.StartsWith(prefix, StringComparison.Ordinal))];
    }

    /// <summary>Called by the projection for every applied <see cref="InstanceSaved"/>.</summary>
    internal void Track(InstanceSaved saved)
    {
        var id = (saved.Key, saved.Instance.InstanceId);
        var now = time.GetTimestamp();
        var lease = _leases.GetOrAdd(id, static (k, state) => new InstanceLease(k.Key, k.Id, state.Ephemeral, state.now),
            (saved.Instance.Ephemeral, now));
        if (saved.Reason == InstanceSaveReason.Registered)
        {
            lease.Beat(now);
        }

        lease.HeartbeatTimeout = Millis(saved.Instance, PreservedMetadata.HeartbeatTimeout) ?? _options.HeartbeatTimeout;
        lease.DeleteTimeout = Millis(saved.Instance, PreservedMetadata.DeleteTimeout) ?? _options.DeleteTimeout;
        lease.MarkedUnhealthy = !saved.Instance.Healthy;
        lease.Revision = saved.Revision;
        var owner = saved.Instance.Ephemeral ? saved.Owner : null;
        if (!string.Equals(lease.Owner, owner, StringComparison.Ordinal))
        {
            Unindex(lease.Owner, id);
            if (owner is not null)
            {
                _byOwner.GetOrAdd(owner, static _ => new())[id] = 0;
            }

            lease.Owner = owner;
        }
    }

    /// <summary>Called by the projection for every applied <see cref="InstanceRemoved"/>.</summary>
    internal void Forget(ServiceKey key, string instanceId)
    {
        if (_leases.TryRemove((key, instanceId), out var lease))
        {
            Unindex(lease.Owner, (key, instanceId));
        }
    }

    private void Unindex(string? owner, (ServiceKey, string) id)
    {
        if (owner is not null && _byOwner.TryGetValue(owner, out var owned) && owned.TryRemove(id, out _) && owned.IsEmpty)
        {
            _byOwner.TryRemove(new KeyValuePair<string, ConcurrentDictionary<(ServiceKey, string), byte>>(owner, owned));
        }
    }

    private static TimeSpan? Millis(Instance instance, string key) =>
        instance.Metadata.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : null;
}
