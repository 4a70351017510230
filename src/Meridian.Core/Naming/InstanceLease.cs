namespace Meridian.Naming;

/// <summary>
/// The mutable liveness state of one instance, kept apart from the immutable <see cref="Instance"/> so a heartbeat
/// only writes a timestamp: no allocation, no lock, no change unless health changes.
/// </summary>
public sealed class InstanceLease
{
    private long _lastBeat;
    private volatile bool _markedUnhealthy;
    private volatile string? _owner;

    internal InstanceLease(ServiceKey key, string instanceId, bool ephemeral, long now)
    {
        Key = key;
        InstanceId = instanceId;
        Ephemeral = ephemeral;
        _lastBeat = now;
    }

    public ServiceKey Key { get; }
    public string InstanceId { get; }
    public bool Ephemeral { get; }
    public TimeSpan HeartbeatTimeout { get; internal set; }
    public TimeSpan DeleteTimeout { get; internal set; }

    /// <summary>The client session whose connection keeps the instance alive instead of heartbeats; null for heartbeats or probes.</summary>
    public string? Owner
    {
        get => _owner;
        internal set => _owner = value;
    }

    /// <summary>The revision of the instance's last stored change, which a command expects the store to still have.</summary>
    public long Revision { get; internal set; }

    public long LastBeat => Volatile.Read(ref _lastBeat);

    /// <summary>Mirrors the instance's health so a heartbeat can tell, without a lock, whether it must revive it.</summary>
    public bool MarkedUnhealthy
    {
        get => _markedUnhealthy;
        internal set => _markedUnhealthy = value;
    }

    /// <summary>Persistent instances are probed, and a live connection vouches for its own: neither expires by silence.</summary>
    public bool LivesByHeartbeat => Ephemeral && Owner is null;

    public void Beat(long timestamp) => Volatile.Write(ref _lastBeat, timestamp);

    // Only the prober touches these, from one loop at a time.
    public int ConsecutiveFailures { get; set; }
    public int ConsecutiveSuccesses { get; set; }
}
