using System.Security.Claims;
using Meridian.Auth;
using Meridian.Cluster;

namespace Meridian.Server.Api.Cluster;

internal static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/cluster/nodes", (ClaimsPrincipal user, ClusterMembership membership) =>
            {
                var view = membership.Describe(Caller.Of(user));
                return new ClusterResponse(membership.NodeId, view.Leader, view.At,
                    [.. view.Nodes.Select(n => new ClusterNodeResponse(n.Id, n.Address, n.Alive, n.Id == view.Leader, n.StartedAt,
                        n.LeaseExpiresAt == DateTimeOffset.MaxValue ? null : n.LeaseExpiresAt, n.AppliedRevision))]);
            })
            .WithTags("Cluster")
            .WithSummary("Lists the nodes sharing this store: their address, lease, the revision each applied, and which one leads cluster-wide work.");
    }

    /// <param name="Self">The node that answered.</param>
    /// <param name="At">When the answering node last renewed its lease, by the store's clock.</param>
    internal sealed record ClusterResponse(string Self, string? Leader, DateTimeOffset At, IReadOnlyList<ClusterNodeResponse> Nodes);

    /// <param name="LeaseExpiresAt">Null for a single node, which holds no lease.</param>
    internal sealed record ClusterNodeResponse(string Id, string Address, bool Alive, bool Leader, DateTimeOffset StartedAt, DateTimeOffset? LeaseExpiresAt,
        long AppliedRevision);
}
