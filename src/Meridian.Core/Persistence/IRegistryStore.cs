using Meridian.Namespaces;
using Meridian.Naming;

namespace Meridian.Persistence;

/// <summary>
/// Where the registry keeps what must survive a restart: namespaces, service settings and persistent instances.
/// Ephemeral instances never reach it. A completed write is durable.
/// </summary>
public interface IRegistryStore
{
    Task<RegistryData> LoadAsync(CancellationToken cancellationToken);

    Task SaveNamespaceAsync(NamespaceInfo ns, CancellationToken cancellationToken);

    Task DeleteNamespaceAsync(string id, CancellationToken cancellationToken);

    Task SaveServiceAsync(ServiceKey key, ServiceDefinition definition, CancellationToken cancellationToken);

    Task DeleteServiceAsync(ServiceKey key, CancellationToken cancellationToken);

    Task SaveInstanceAsync(ServiceKey key, Instance instance, CancellationToken cancellationToken);

    Task DeleteInstanceAsync(ServiceKey key, string instanceId, CancellationToken cancellationToken);
}

public sealed record RegistryData(
    IReadOnlyList<NamespaceInfo> Namespaces,
    IReadOnlyList<StoredService> Services,
    IReadOnlyList<StoredInstance> Instances);

public sealed record StoredService(ServiceKey Key, ServiceDefinition Definition);

public sealed record StoredInstance(ServiceKey Key, Instance Instance);
