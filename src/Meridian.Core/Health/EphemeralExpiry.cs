using Meridian.Naming;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Meridian.Health;

/// <summary>Runs the registry's expiry sweep on a timer of the injected <see cref="TimeProvider"/>.</summary>
internal sealed class EphemeralExpiry(RegistryCommands registry, TimeProvider time, IOptions<RegistryOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await registry.SweepExpiredAsync(stoppingToken);
        }
    }
}
