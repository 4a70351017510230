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

/// <summary>Liveness: heartbeat expiry and the release of a closed connection's instances.</summary>
public sealed partial class ServiceRegistry
{
    /// <summary>
    /// Marks ephemeral instances whose heartbeat is overdue unhealthy and removes those overdue past the delete timeout.
    /// Instances held by a live connection are skipped: the connection vouches for them.
    /// </summary>
    public void SweepExpired()
    {
        foreach (var services in _byNamespace.Values)
        {
            foreach (var entry in services.Values)
            {
                SweepService(entry);
            }
        }
    }

    /// <summary>
    /// Removes the ephemeral instances a client connection registered, once that connection is gone for good.
    /// Instances another registrant has taken over since are left alone. Returns how many were removed.
    /// </summary>
    public int ReleaseConnection(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var removed = 0;
        foreach (var services in _byNamespace.Values)
        {
            foreach (var entry in services.Values)
            {
                removed += ReleaseConnection(entry, connectionId);
            }
        }

        return removed;
    }

    private void SweepService(ServiceEntry entry)
    {
        // A lock-free scan first: most sweeps find nothing due and must not touch the service's lock.
        if (!entry.Leases.Values.Any(lease => IsDue(lease, time.GetElapsedTime(lease.LastBeat))))
        {
            return;
        }

        lock (entry.Gate)
        {
            if (entry.Removed)
            {
                return;
            }

            var builder = entry.Snapshot.Instances.ToBuilder();
            for (var i = builder.Count - 1; i >= 0; i--)
            {
                var instance = builder[i];
                if (!entry.Leases.TryGetValue(instance.InstanceId, out var lease) || !LivesByHeartbeat(lease))
                {
                    continue;
                }

                // Re-check under the lock: a heartbeat may have arrived since the scan.
                var silence = time.GetElapsedTime(lease.LastBeat);
                if (silence >= lease.DeleteTimeout)
                {
                    builder.RemoveAt(i);
                    entry.Leases.TryRemove(instance.InstanceId, out _);
                    LogExpired(entry.Snapshot.Key, instance.InstanceId, silence.TotalSeconds);
                }
                else if (silence >= lease.HeartbeatTimeout && instance.Healthy)
                {
                    builder[i] = instance with { Healthy = false };
                    lease.MarkedUnhealthy = true;
                    LogUnhealthy(entry.Snapshot.Key, instance.InstanceId, silence.TotalSeconds);
                }
            }

            Commit(entry, builder.ToImmutable());
        }
    }

    /// <summary>Persistent instances are probed, and a live connection vouches for its own: neither expires by silence.</summary>
    private static bool LivesByHeartbeat(InstanceLease lease) => lease.Ephemeral && lease.ConnectionId is null;

    private static bool IsDue(InstanceLease lease, TimeSpan silence) =>
        LivesByHeartbeat(lease) && (silence >= lease.DeleteTimeout || (silence >= lease.HeartbeatTimeout && !lease.MarkedUnhealthy));

    private int ReleaseConnection(ServiceEntry entry, string connectionId)
    {
        if (!entry.Leases.Values.Any(l => l.ConnectionId == connectionId))
        {
            return 0;
        }

        lock (entry.Gate)
        {
            if (entry.Removed)
            {
                return 0;
            }

            var builder = entry.Snapshot.Instances.ToBuilder();
            var removed = 0;
            for (var i = builder.Count - 1; i >= 0; i--)
            {
                var id = builder[i].InstanceId;
                if (entry.Leases.TryGetValue(id, out var lease) && lease.Ephemeral && lease.ConnectionId == connectionId)
                {
                    builder.RemoveAt(i);
                    entry.Leases.TryRemove(id, out _);
                    removed++;
                    LogReleased(entry.Snapshot.Key, id, connectionId);
                }
            }

            if (removed > 0)
            {
                Commit(entry, builder.ToImmutable());
            }

            return removed;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} of {Service} marked unhealthy: no heartbeat for {Seconds:F1} s")]
    private partial void LogUnhealthy(ServiceKey service, string instanceId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} of {Service} removed: no heartbeat for {Seconds:F1} s")]
    private partial void LogExpired(ServiceKey service, string instanceId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} of {Service} removed: its client connection {ConnectionId} is gone")]
    private partial void LogReleased(ServiceKey service, string instanceId, string connectionId);
}
