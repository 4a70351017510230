namespace Meridian.Naming;

/// <summary>
/// The mutable liveness state of one instance, kept apart from the immutable <see cref="Instance"/> so a heartbeat
/// only writes a timestamp: no allocation, no lock, no new snapshot unless health changes.
/// </summary>
internal sealed class InstanceLease(string instanceId, bool ephemeral, TimeSpan heartbeatTimeout, TimeSpan deleteTimeout, long now)
{
    private long _lastBeat = now;

    public string InstanceId { get; } = instanceId;
    public bool Ephemeral { get; } = ephemeral;
    public TimeSpan HeartbeatTimeout { get; } = heartbeatTimeout;
    public TimeSpan DeleteTimeout { get; } = deleteTimeout;

    /// <summary>Set while the instance belongs to a live client connection, which then keeps it alive instead of heartbeats.</summary>
    public string? ConnectionId { get; set; }

    private volatile bool _markedUnhealthy;

    public long LastBeat => Volatile.Read(ref _lastBeat);

    /// <summary>Mirrors the instance's health so a heartbeat can tell, without a lock, whether it must revive it.</summary>
    public bool MarkedUnhealthy
    {
        get => _markedUnhealthy;
        set => _markedUnhealthy = value;
    }

    public void Beat(long timestamp) => Volatile.Write(ref _lastBeat, timestamp);

    // Only the prober touches these, from one loop at a time.
    public int ConsecutiveFailures { get; set; }
    public int ConsecutiveSuccesses { get; set; }
}
