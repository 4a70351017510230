using Meridian.Client.Discovery;

namespace Meridian.Client.LoadBalancing;

/// <summary>
/// The rules. A pick reads the arrays prepared at push time, so it is a counter bump or a random draw plus a binary
/// search: no allocation, no lock. Instances already tried by this request or cooling down after a refused
/// connection are skipped while any other is left.
/// </summary>
internal static class InstancePicker
{
    /// <summary>Picks an instance index in <paramref name="set"/>, or -1 when it has none.</summary>
    public static int Pick(CachedService service, WeightedSet set, LoadBalancingRule rule, in TriedInstances tried, long now)
    {
        var count = set.Count;
        if (count == 0)
        {
            return -1;
        }

        if (count == 1)
        {
            return 0;
        }

        // A few draws, then a scan: the common case (nothing tried, nothing cooling) takes the first draw.
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var index = Draw(service, set, rule);
            if (Available(set, index, tried, now))
            {
                return index;
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

        // Everything was tried or is cooling: an untried one, even cooling, beats giving up.
        for (var i = 0; i < count; i++)
        {
            var index = (start + i) % count;
            if (!tried.Contains(set.Items[index]))
            {
                return index;
            }
        }

        return -1;
    }

    private static bool Available(WeightedSet set, int index, in TriedInstances tried, long now) =>
        !set.Stats[index].IsCooling(now) && (tried.Count == 0 || !tried.Contains(set.Items[index]));

    private static int Draw(CachedService service, WeightedSet set, LoadBalancingRule rule) => rule switch
    {
        LoadBalancingRule.RoundRobin => (int)((ulong)service.NextCursor() % (ulong)set.Count),
        LoadBalancingRule.Random => System.Random.Shared.Next(set.Count),
        LoadBalancingRule.LeastOutstanding => LeastOutstanding(service, set),
        _ => set.IndexAt(System.Random.Shared.NextDouble() * set.Total),
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
