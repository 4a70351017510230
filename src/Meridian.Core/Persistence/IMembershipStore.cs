using Meridian.Cluster;

namespace Meridian.Persistence;

/// <summary>
/// Where nodes sharing a store keep their leases: each renews its own about every second, and one of the live nodes
/// holds the lead for the work a cluster does once (expiry, probes, cleanup, removing a dead node's instances). A
/// single node has none and leads alone.
/// </summary>
public interface IMembershipStore
{
    /// <summary>
    /// Renews <paramref name="me"/>'s lease, takes or keeps the lead if no live node holds it, and returns every node the
    /// store knows (by the store's clock) and the one that leads.
    /// </summary>
    Task<MembershipView> RenewAsync(NodeLease me, CancellationToken cancellationToken);
}
