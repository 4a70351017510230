using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Persistence;

namespace Meridian.Benchmarks;

/// <summary>A store that keeps nothing, so benchmarks measure the registry alone.</summary>
internal sealed class NullRegistryStore : IRegistryStore
{
    public Task<RegistryData> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(new RegistryData([], [], []));
    public Task SaveNamespaceAsync(NamespaceInfo ns, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task DeleteNamespaceAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task SaveServiceAsync(ServiceKey key, ServiceDefinition definition, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task DeleteServiceAsync(ServiceKey key, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task SaveInstanceAsync(ServiceKey key, Instance instance, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task DeleteInstanceAsync(ServiceKey key, string instanceId, CancellationToken cancellationToken) => Task.CompletedTask;
}
