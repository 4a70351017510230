namespace Meridian.Client.Discovery;

/// <summary>
/// What this process has seen of one instance: requests in flight and a cool-down after it refused a connection.
/// Kept per instance id across pushes, so a new list does not forget them.
/// </summary>
internal sealed class InstanceStats
{
    private int _outstanding;
    private long _coolUntil;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public void Started() => Interlocked.Increment(ref _outstanding);

    public void Finished() => Interlocked.Decrement(ref _outstanding);

    public bool IsCooling(long now) => Volatile.Read(ref _coolUntil) > now;

    public void CoolUntil(long timestamp) => Volatile.Write(ref _coolUntil, timestamp);

    public void Recovered() => Volatile.Write(ref _coolUntil, 0);
}
