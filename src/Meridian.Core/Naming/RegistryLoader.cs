using Meridian.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meridian.Naming;

/// <summary>Fills the registry from the store before the server accepts requests.</summary>
internal sealed partial class RegistryLoader(IRegistryStore store, ServiceRegistry registry, ILogger<RegistryLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var data = await store.LoadAsync(cancellationToken);
        registry.Load(data);
        LogLoaded(data.Namespaces.Count, data.Services.Count, data.Instances.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry loaded: {Namespaces} namespace(s), {Services} stored service(s), {Instances} persistent instance(s)")]
    private partial void LogLoaded(int namespaces, int services, int instances);
}
