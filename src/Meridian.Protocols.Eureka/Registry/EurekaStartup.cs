using Microsoft.Extensions.Hosting;

namespace Meridian.Protocols.Eureka.Registry;

/// <summary>
/// Starts watching the registry when the server starts rather than at the first Eureka request, so the delta queue
/// holds changes made through other protocols before any Eureka client arrived.
/// </summary>
internal sealed class EurekaStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetService(typeof(EurekaDeltaQueue));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
