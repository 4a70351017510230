using Microsoft.Extensions.Hosting;

namespace Meridian.Config.Listening;

/// <summary>
/// Answers held long-polls as soon as the host starts stopping, so they neither hold shutdown up to its timeout nor
/// get cut off: their clients simply poll again, elsewhere or after the restart.
/// </summary>
internal sealed class ListenerRelease(ConfigListeners listeners, IHostApplicationLifetime lifetime) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(listeners.ReleaseAll);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        listeners.ReleaseAll();
        return _registration.DisposeAsync().AsTask();
    }
}
