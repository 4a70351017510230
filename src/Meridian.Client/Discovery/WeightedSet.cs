namespace Meridian.Client.Discovery;

/// <summary>
/// Instances prepared for picking: parallel arrays of instances, their stats and cumulative weights, built once per
/// push so a pick is an index or a binary search and allocates nothing.
/// </summary>
internal sealed class WeightedSet
{
    public static readonly WeightedSet Empty = new([], []);

    public WeightedSet(ServiceInstance[] items, InstanceStats[] stats)
    {
        Items = items;
        Stats = stats;
        Cumulative = new double[items.Length];
        var total = 0d;
        for (var i = 0; i < items.Length; i++)
        {
            total += items[i].Weight;
            Cumulative[i] = total;
        }

        Total = total;
    }

    public ServiceInstance[] Items { get; }
    public InstanceStats[] Stats { get; }
    public double[] Cumulative { get; }
    public double Total { get; }
    public int Count => Items.Length;

    /// <summary>The index whose weight band holds <paramref name="point"/> in [0, Total).</summary>
    public int IndexAt(double point)
    {
        var index = Array.BinarySearch(Cumulative, point);
        // An exact hit on a band's upper edge belongs to the next band; a miss gives the complement of the next larger.
        index = index >= 0 ? index + 1 : ~index;
        return Math.Min(index, Items.Length - 1);
    }
}
