namespace Meridian.Cluster;

/// <summary>What a node renews: who it is, where it is reached, how far it has applied the log, for how long it vouches.</summary>
public sealed record NodeLease(string Id, string Address, DateTimeOffset StartedAt, long AppliedRevision, TimeSpan Ttl);

/// <summary>One node as the store last saw it.</summary>
/// <param name="LeaseExpiresAt">When its lease runs out unless renewed; past it, the node counts as gone.</param>
/// <param name="AppliedRevision">The last revision it had applied to memory when it renewed.</param>
public sealed record ClusterNode(string Id, string Address, DateTimeOffset StartedAt, DateTimeOffset LeaseExpiresAt, long AppliedRevision, bool Alive);

/// <summary>The nodes, by the store's clock at the renewal, and the one that leads (null while none does).</summary>
public sealed record MembershipView(IReadOnlyList<ClusterNode> Nodes, string? Leader, DateTimeOffset At);
