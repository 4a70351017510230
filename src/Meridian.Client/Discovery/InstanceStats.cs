namespace Meridian.Client.Discovery;

/// <summary>
/// What this process has seen of one instance: requests in flight, and whether it is suspect (it refused a
/// connection lately, so picks avoid it until the registry catches up). Kept per instance id across pushes, so a new
/// list does not forget them.
/// </summary>
internal sealed class InstanceStats
{
    private int _outstanding;
    private long _suspectUntil;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public void Started() => Interlocked.Increment(ref _outstanding);

    public void Finished() => Interlocked.Decrement(ref _outstanding);

    public bool IsSuspect(long now) => Volatile.Read(ref _suspectUntil) > now;

    public void SuspectUntil(long timestamp) => Volatile.Write(ref _suspectUntil, timestamp);

    /// <summary>It answered: no longer suspect.</summary>
    public void Answered()
    {
        if (Volatile.Read(ref _suspectUntil) != 0)
        {
            Volatile.Write(ref _suspectUntil, 0);
        }
    }
}
