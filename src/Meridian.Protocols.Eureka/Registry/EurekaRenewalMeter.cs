namespace Meridian.Protocols.Eureka.Registry;

/// <summary>
/// Counts Eureka renewals over the last minute in one-second buckets, for self-preservation. Recording is a couple
/// of interlocked operations: no lock, no allocation.
/// </summary>
internal sealed class EurekaRenewalMeter(TimeProvider time)
{
    private const int Buckets = 60;

    private readonly long[] _seconds = new long[Buckets];
    private readonly int[] _counts = new int[Buckets];
    private readonly long _startedSecond = time.GetUtcNow().ToUnixTimeSeconds();

    public void Record()
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        var slot = (int)(second % Buckets);
        var seen = Interlocked.Read(ref _seconds[slot]);
        if (seen != second && Interlocked.CompareExchange(ref _seconds[slot], second, seen) == seen)
        {
            Interlocked.Exchange(ref _counts[slot], 0);
        }

        Interlocked.Increment(ref _counts[slot]);
    }

    /// <summary>Renewals in the 60 seconds before the current one.</summary>
    public int LastMinute()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var total = 0;
        for (var i = 0; i < Buckets; i++)
        {
            var second = Interlocked.Read(ref _seconds[i]);
            if (second < now && now - second <= Buckets)
            {
                total += Volatile.Read(ref _counts[i]);
            }
        }

        return total;
    }

    /// <summary>True once a whole minute has been observed, so the count means something.</summary>
    public bool HasFullMinute => time.GetUtcNow().ToUnixTimeSeconds() - _startedSecond > Buckets;
}
