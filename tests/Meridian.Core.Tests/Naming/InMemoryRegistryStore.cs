using System.Collections.Concurrent;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Persistence;

namespace Meridian.Core.Tests.Naming;

/// <summary>A store in memory, for tests of the registry's own rules.</summary>
internal sealed class InMemoryRegistryStore : IRegistryStore
{
    public ConcurrentDictionary<(ServiceKey, string), Instance> Instances { get; } = new();
    public ConcurrentDictionary<ServiceKey, ServiceDefinition> Services { get; } = new();
    public ConcurrentDictionary<string, NamespaceInfo> Namespaces { get; } = new();

    public Task<RegistryData> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(new RegistryData(
        [.. Namespaces.Values],
        [.. Services.Select(s => new StoredService(s.Key, s.Value))],
        [.. Instances.Select(i => new StoredInstance(i.Key.Item1, i.Value))]));

    public Task SaveNamespaceAsync(NamespaceInfo ns, CancellationToken cancellationToken) => Done(() => Namespaces[ns.Id] = ns);
    public Task DeleteNamespaceAsync(string id, CancellationToken cancellationToken) => Done(() => Namespaces.TryRemove(id, out _));
    public Task SaveServiceAsync(ServiceKey key, ServiceDefinition definition, CancellationToken cancellationToken) => Done(() => Services[key] = definition);
    public Task DeleteServiceAsync(ServiceKey key, CancellationToken cancellationToken) => Done(() => Services.TryRemove(key, out _));
    public Task SaveInstanceAsync(ServiceKey key, Instance instance, CancellationToken cancellationToken) => Done(() => Instances[(key, instance.InstanceId)] = instance);
    public Task DeleteInstanceAsync(ServiceKey key, string instanceId, CancellationToken cancellationToken) => Done(() => Instances.TryRemove((key, instanceId), out _));

    private static Task Done(Action action)
    {
        action();
        return Task.CompletedTask;
    }
}
