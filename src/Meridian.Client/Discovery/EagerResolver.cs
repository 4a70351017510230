using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Meridian.Client.Discovery;

/// <summary>Looks up <c>Meridian:Discovery:EagerServices</c> at start-up, so the first real call finds them ready.</summary>
internal sealed class EagerResolver(MeridianDiscovery discovery, IOptions<MeridianClientOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Tracking subscribes at once; waiting for the lists would only delay start-up, so nobody awaits them here.
        foreach (var service in options.Value.Discovery.EagerServices)
        {
            discovery.GetChangeToken(service);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
