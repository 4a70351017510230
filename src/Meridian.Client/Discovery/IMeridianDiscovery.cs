using Microsoft.Extensions.Primitives;

namespace Meridian.Client.Discovery;

/// <summary>
/// Looks services up in the local cache that server pushes keep current. Lookups never throw on a server outage:
/// they answer with the last known list (from memory or the on-disk snapshot).
/// </summary>
public interface IMeridianDiscovery
{
    /// <summary>The instances of a service that may take traffic. Empty when none is known.</summary>
    ValueTask<IReadOnlyList<ServiceInstance>> GetInstancesAsync(string service, CancellationToken cancellationToken = default);

    /// <summary>The whole current list of a service in the configured (or given) group, with its revision.</summary>
    ValueTask<ServiceInstances> GetServiceAsync(string service, string? group = null, CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="onChange"/> with every new list of the service until disposed.</summary>
    IDisposable Subscribe(string service, Action<ServiceInstances> onChange, string? group = null);

    /// <summary>A token that fires on the service's next change.</summary>
    IChangeToken GetChangeToken(string service, string? group = null);
}
