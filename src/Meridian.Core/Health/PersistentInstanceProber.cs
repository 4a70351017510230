using Meridian.Naming;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Health;

/// <summary>
/// Probes every persistent instance each interval, as the cluster's health check says, and flips its health after
/// enough consecutive failures or successes. Persistent instances are never removed for being down.
/// Probes are asynchronous and bounded by <see cref="HealthCheckOptions.MaxConcurrency"/>: thousands of instances
/// cost sockets in flight, not threads.
/// </summary>
internal sealed partial class PersistentInstanceProber(
    RegistryProjection registry,
    InstanceLeases leases,
    RegistryCommands commands,
    IEnumerable<IHealthProbe> probes,
    Cluster.ClusterLead lead,
    TimeProvider time,
    IOptions<HealthCheckOptions> options,
    ILogger<PersistentInstanceProber> logger) : BackgroundService
{
    private readonly Dictionary<HealthCheckType, IHealthProbe> _probes = probes.ToDictionary(p => p.Type);
    private readonly HealthCheckOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Interval, time);
        do
        {
            // In a cluster the leading node probes; the others apply the health it stores.
            if (lead.IsLeader)
            {
                await ProbeAllAsync(stoppingToken);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task ProbeAllAsync(CancellationToken stoppingToken)
    {
        var targets = leases.All.Where(l => !l.Ephemeral).Select(l => (Snapshot: registry.GetService(l.Key), Lease: l))
            .Where(t => t.Snapshot is not null).ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = stoppingToken };
        await Parallel.ForEachAsync(targets, parallel, (target, ct) => ProbeOneAsync(target.Snapshot!, target.Lease, ct));
    }

    private async ValueTask ProbeOneAsync(ServiceSnapshot snapshot, InstanceLease lease, CancellationToken stoppingToken)
    {
        var instance = snapshot.Find(lease.InstanceId);
        if (instance is null)
        {
            return;
        }

        var check = snapshot.Definition.GetCluster(instance.Cluster).HealthCheck;
        if (!_probes.TryGetValue(check.Type, out var probe))
        {
            return;
        }

        bool ok;
        string? refused = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            timeout.CancelAfter(_options.Timeout);
            try
            {
                ok = await probe.ProbeAsync(instance, check, timeout.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                ok = false;
            }
            catch (ProbeRefusedException e)
            {
                // Never opened: it counts as a failed probe, and the log says why once it flips the instance.
                ok = false;
                refused = e.Message;
            }
        }

        if (ok)
        {
            lease.ConsecutiveFailures = 0;
            lease.ConsecutiveSuccesses++;
            if (lease.MarkedUnhealthy && lease.ConsecutiveSuccesses >= _options.SuccessThreshold)
            {
                LogHealthy(snapshot.Key, instance.InstanceId, check.Type);
                await commands.SetHealthAsync(snapshot.Key, instance.InstanceId, healthy: true, Meridian.Auth.Caller.System, stoppingToken);
            }
        }
        else
        {
            lease.ConsecutiveSuccesses = 0;
            lease.ConsecutiveFailures++;
            if (!lease.MarkedUnhealthy && lease.ConsecutiveFailures >= _options.FailureThreshold)
            {
                if (refused is not null)
                {
                    LogRefused(snapshot.Key, instance.InstanceId, refused);
                }
                else
                {
                    LogUnhealthy(snapshot.Key, instance.InstanceId, check.Type, lease.ConsecutiveFailures);
                }

                await commands.SetHealthAsync(snapshot.Key, instance.InstanceId, healthy: false, Meridian.Auth.Caller.System, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Persistent instance {InstanceId} of {Service} failed {Failures} {Check} probe(s) in a row: marked unhealthy")]
    private partial void LogUnhealthy(ServiceKey service, string instanceId, HealthCheckType check, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Persistent instance {InstanceId} of {Service} is not probed: {Reason} Marked unhealthy; register it at an allowed address or widen the setting")]
    private partial void LogRefused(ServiceKey service, string instanceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Persistent instance {InstanceId} of {Service} answers its {Check} probe again: marked healthy")]
    private partial void LogHealthy(ServiceKey service, string instanceId, HealthCheckType check);
}
