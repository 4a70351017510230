using Meridian.Persistence;

namespace Meridian.Cluster;

/// <summary>
/// Whether this node does the work a cluster does once (expiry, probes of persistent instances, history cleanup, log
/// compaction). A single node always does; in a cluster <see cref="ClusterMembership"/> says, renewal by renewal.
/// </summary>
public sealed class ClusterLead(IEnumerable<IMembershipStore> stores)
{
    private volatile bool _leader = !stores.Any();

    public bool IsLeader
    {
        get => _leader;
        internal set => _leader = value;
    }
}
