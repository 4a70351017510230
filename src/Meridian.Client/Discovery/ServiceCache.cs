using System.Collections.Concurrent;
using Meridian.Contracts.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Client.Discovery;

/// <summary>
/// Every service this process looked up, kept current by pushes. The set of services here is also what the
/// connection subscribes to (again) whenever it connects.
/// </summary>
internal sealed partial class ServiceCache(IOptions<MeridianClientOptions> options, SnapshotStore snapshots, ILogger<ServiceCache> logger)
{
    private readonly ConcurrentDictionary<ServiceId, CachedService> _services = new();
    private readonly MeridianClientOptions _options = options.Value;

    public ICollection<ServiceId> Ids => _services.Keys;

    public CachedService? Find(ServiceId id) => _services.TryGetValue(id, out var service) ? service : null;

    public CachedService GetOrAdd(ServiceId id, out bool created)
    {
        if (_services.TryGetValue(id, out var existing))
        {
            created = false;
            return existing;
        }

        var fresh = new CachedService(id, _options.LoadBalancing.RuleFor(id.Name));
        var winner = _services.GetOrAdd(id, fresh);
        created = ReferenceEquals(winner, fresh);
        if (created && snapshots.Load(id) is { } stored)
        {
            var restored = InstanceSetBuilder.Build(fresh, [.. stored.Instances], stored.Revision, fromSnapshot: true, stored.ProtectThreshold, _options.ClusterName);
            fresh.TryReplace(restored);
            LogRestored(logger, id, stored.Instances.Count);
        }

        return winner;
    }

    /// <summary>Applies a push if it is newer than what is held; older ones arrive late and are dropped.</summary>
    public void Apply(ServicePush push)
    {
        var id = new ServiceId(push.Service.Namespace, push.Service.Group, push.Service.Service);
        if (Find(id) is not { } service)
        {
            return;
        }

        var current = service.Current;
        if (push.Revision <= current.Revision)
        {
            return;
        }

        if (_options.Discovery.EmptyPushProtection && push.Instances.Count == 0 && current.All.Count > 0)
        {
            LogEmptyPushIgnored(logger, id, current.All.Count);
            return;
        }

        var next = InstanceSetBuilder.FromPush(service, push, _options.ClusterName);
        if (service.TryReplace(next))
        {
            LogUpdated(logger, id, next.Revision, next.All.Count, next.Serving.Count);
            snapshots.Save(service);
        }
    }

    /// <summary>
    /// Applies the changes since the revision this client said it held on resubscribing. False when the list held is not
    /// the one the delta starts from: the caller then asks for the full list.
    /// </summary>
    public bool Apply(ServiceDelta delta)
    {
        var id = new ServiceId(delta.Service.Namespace, delta.Service.Group, delta.Service.Service);
        if (Find(id) is not { } service)
        {
            return true;
        }

        var current = service.Current;
        if (delta.Revision <= current.Revision)
        {
            return true;
        }

        if (current.Revision != delta.BaseRevision)
        {
            return false;
        }

        var byId = current.All.ToDictionary(i => i.InstanceId, StringComparer.Ordinal);
        foreach (var removed in delta.Removed)
        {
            byId.Remove(removed);
        }

        foreach (var wire in delta.Upserted)
        {
            byId[wire.InstanceId] = InstanceSetBuilder.FromWire(wire);
        }

        var next = InstanceSetBuilder.Build(service, [.. byId.Values.OrderBy(i => i.InstanceId, StringComparer.Ordinal)], delta.Revision, fromSnapshot: false,
            delta.ProtectThreshold, _options.ClusterName);
        if (service.TryReplace(next))
        {
            LogResumed(logger, id, delta.BaseRevision, delta.Revision, delta.Upserted.Count, delta.Removed.Count);
            snapshots.Save(service);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Service} resumed from revision {From} to {To}: {Upserted} instance(s) changed, {Removed} gone")]
    private static partial void LogResumed(ILogger logger, ServiceId service, long from, long to, int upserted, int removed);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Service}: {Count} instance(s) restored from the on-disk snapshot until the server confirms them")]
    private static partial void LogRestored(ILogger logger, ServiceId service, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Service} revision {Revision}: {Count} instance(s), {Serving} taking traffic")]
    private static partial void LogUpdated(ILogger logger, ServiceId service, long revision, int count, int serving);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service}: the server pushed an empty list; keeping the last {Count} instance(s) because Meridian:Discovery:EmptyPushProtection is on. Turn it off if services really go empty")]
    private static partial void LogEmptyPushIgnored(ILogger logger, ServiceId service, int count);
}
