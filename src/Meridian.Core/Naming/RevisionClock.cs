namespace Meridian.Naming;

/// <summary>
/// Hands out revisions that only grow. Seeded from the wall clock so revisions keep growing across restarts and
/// a client holding a revision from before a restart never mistakes new data for stale.
/// </summary>
public sealed class RevisionClock
{
    private long _last;

    public RevisionClock(TimeProvider time)
    {
        _last = time.GetUtcNow().ToUnixTimeMilliseconds() << 10;
    }

    public long Next() => Interlocked.Increment(ref _last);

    public long Current => Volatile.Read(ref _last);
}
