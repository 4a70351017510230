using Meridian.Changes;
using Meridian.Naming;
using Meridian.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Cluster;

/// <summary>
/// This node's place in the cluster. Every second it renews its lease through the <see cref="IMembershipStore"/> and
/// learns who leads; <see cref="IsLeader"/> gates the work done once per cluster. The leader removes the instances of
/// the sessions a node held once that node's lease has run out past <see cref="NodeGrace"/> (their clients, alive,
/// have registered again on other nodes by then, under new owners, which this leaves alone). When the store cannot be
/// reached no node leads, so nothing expires because the database blinked. A single node, with no store, always leads.
/// </summary>
public sealed partial class ClusterMembership(
    IEnumerable<IMembershipStore> stores,
    ClusterLead lead,
    ChangeLog log,
    InstanceLeases leases,
    RegistryCommands registry,
    TimeProvider time,
    IOptions<NodeOptions> node,
    ILogger<ClusterMembership> logger) : BackgroundService
{
    /// <summary>How often the lease is renewed.</summary>
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a lease lasts unless renewed.</summary>
    public static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(5);

    /// <summary>How long past its lease a node's sessions are kept, for their clients to register again elsewhere.</summary>
    public static readonly TimeSpan NodeGrace = TimeSpan.FromSeconds(5);

    private readonly IMembershipStore? _store = stores.FirstOrDefault();
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private volatile MembershipView? _view;
    private bool _failing;

    public string NodeId => node.Value.Id;

    /// <summary>Where other nodes and operators reach this node; the host sets it once it listens.</summary>
    public string Address { get; set; } = "";

    /// <summary>Whether this node does the work done once per cluster now.</summary>
    public bool IsLeader => lead.IsLeader;

    /// <summary>The cluster as this node last saw it, for an administrator.</summary>
    public MembershipView Describe(Auth.Caller caller)
    {
        caller.DemandAdmin("view the cluster");
        return View;
    }

    /// <summary>The nodes as last renewed; a single node lists itself.</summary>
    public MembershipView View => _view ?? new MembershipView(
        [new ClusterNode(NodeId, Address, _started, DateTimeOffset.MaxValue, log.Revision, Alive: true)], _store is null ? NodeId : null, time.GetUtcNow());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_store is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(RenewInterval, time);
        do
        {
            await RenewAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RenewAsync(CancellationToken stoppingToken)
    {
        MembershipView view;
        try
        {
            view = await _store!.RenewAsync(new NodeLease(NodeId, Address, _started, log.Revision, LeaseTtl), stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            lead.IsLeader = false;
            if (!_failing)
            {
                LogRenewFailed(e);
                _failing = true;
            }

            return;
        }

        if (_failing)
        {
            LogRenewed();
            _failing = false;
        }

        var leads = view.Leader == NodeId;
        if (leads != lead.IsLeader)
        {
            LogLeadership(leads ? "took" : "gave up", NodeId);
        }

        _view = view;
        lead.IsLeader = leads;
        if (leads)
        {
            await ReleaseGoneNodesAsync(view, stoppingToken);
        }
    }

    /// <summary>Removes, through the log, the instances whose sessions were held by nodes gone past the grace.</summary>
    private async Task ReleaseGoneNodesAsync(MembershipView view, CancellationToken cancellationToken)
    {
        foreach (var gone in view.Nodes.Where(n => n.Id != NodeId && n.LeaseExpiresAt + NodeGrace < view.At))
        {
            var owners = leases.OwnersOnNode(gone.Id);
            if (owners.Count == 0)
            {
                continue;
            }

            var removed = 0;
            foreach (var owner in owners)
            {
                try
                {
                    removed += await registry.ReleaseOwnerAsync(owner, cancellationToken);
                }
                catch (Validation.MeridianException e)
                {
                    LogReleaseFailed(e, gone.Id);
                }
            }

            LogReleasedNode(removed, gone.Id, (view.At - gone.LeaseExpiresAt).TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew this node's lease; it does no cluster-wide work (expiry, probes, cleanup) until it can")]
    private partial void LogRenewFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Renewing this node's lease again")]
    private partial void LogRenewed();

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} {What} the lead for cluster-wide work")]
    private partial void LogLeadership(string what, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} instance(s) held by node {Node}, gone for {Seconds:F0} s")]
    private partial void LogReleasedNode(int count, string node, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove the instances held by node {Node}; trying again at the next renewal")]
    private partial void LogReleaseFailed(Exception exception, string node);
}
