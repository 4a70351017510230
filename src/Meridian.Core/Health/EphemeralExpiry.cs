using Meridian.Naming;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Meridian.Health;

/// <summary>Runs the registry's expiry sweep on a timer of the injected <see cref="TimeProvider"/>, on the node that leads.</summary>
internal sealed class EphemeralExpiry(RegistryCommands registry, Cluster.ClusterLead lead, TimeProvider time, IOptions<RegistryOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // In a cluster the leading node sweeps, with every node's heartbeats; while no node leads (the store is
            // unreachable) nothing expires because the database blinked.
            if (lead.IsLeader)
            {
                await registry.SweepExpiredAsync(stoppingToken);
            }
        }
    }
}
