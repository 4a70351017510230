namespace Meridian.Client.LoadBalancing;

/// <summary>How a call picks an instance. Instances with weight 0, disabled or unhealthy ones never get traffic.</summary>
public enum LoadBalancingRule
{
    /// <summary>Each instance in turn, ignoring weights.</summary>
    RoundRobin,

    /// <summary>Uniformly at random, ignoring weights.</summary>
    Random,

    /// <summary>At random in proportion to weight.</summary>
    WeightedRandom,

    /// <summary>Weighted random within the caller's own cluster while it has an instance taking traffic, else across all (logged).</summary>
    SameClusterFirst,

    /// <summary>The instance with the fewest requests in flight from this process; ties go round-robin.</summary>
    LeastOutstanding,
}
