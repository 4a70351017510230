using Meridian.Client.Discovery;

namespace Meridian.Client.LoadBalancing;

/// <summary>
/// The rules. A pick reads the arrays prepared at push time, so it is a counter bump or a random draw plus a binary
/// search: no lock, and no allocation. Instances this call already tried and instances suspect after a refused
/// connection are skipped.
/// </summary>
internal static class InstancePicker
{
    /// <summary>
    /// Picks an instance index in <paramref name="set"/> that this call has not tried and that is not suspect, or -1
    /// when none is.
    /// </summary>
    public static int Pick(CachedService service, WeightedSet set, LoadBalancingRule rule, TriedInstances? tried, long now, Random random)
    {
        var count = set.Count;
        if (count == 0)
        {
            return -1;
        }

        // A few draws, then a scan: the common case (nothing tried, nothing suspect) takes the first draw.
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var index = count == 1 ? 0 : Draw(service, set, rule, random);
            if (Available(set, index, tried, now))
            {
                return index;
            }

            if (count == 1)
            {
                return -1;
            }
        }

        var start = (int)((ulong)service.NextCursor() % (ulong)count);
        for (var i = 0; i < count; i++)
        {
            var index = (start + i) % count;
            if (Available(set, index, tried, now))
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>An instance this call has not tried, even a suspect one (it beats giving up), or -1.</summary>
    public static int Untried(CachedService service, WeightedSet set, TriedInstances? tried)
    {
        var count = set.Count;
        if (count == 0)
        {
            return -1;
        }

        var start = (int)((ulong)service.NextCursor() % (ulong)count);
        for (var i = 0; i < count; i++)
        {
            var index = (start + i) % count;
            if (tried is null || !tried.Contains(set.Items[index]))
            {
                return index;
            }
        }

        return -1;
    }

    private static bool Available(WeightedSet set, int index, TriedInstances? tried, long now) =>
        !set.Stats[index].IsSuspect(now) && (tried is null || !tried.Contains(set.Items[index]));

    private static int Draw(CachedService service, WeightedSet set, LoadBalancingRule rule, Random random) => rule switch
    {
        LoadBalancingRule.RoundRobin => (int)((ulong)service.NextCursor() % (ulong)set.Count),
        LoadBalancingRule.Random => random.Next(set.Count),
        LoadBalancingRule.LeastOutstanding => LeastOutstanding(service, set),
        _ => set.IndexAt(random.NextDouble() * set.Total),
    };

    private static int LeastOutstanding(CachedService service, WeightedSet set)
    {
        var count = set.Count;
        var start = (int)((ulong)service.NextCursor() % (ulong)count);
        var best = start;
        var fewest = int.MaxValue;
        for (var i = 0; i < count; i++)
        {
            var index = (start + i) % count;
            var outstanding = set.Stats[index].Outstanding;
            if (outstanding < fewest)
            {
                fewest = outstanding;
                best = index;
            }
        }

        return best;
    }
}
