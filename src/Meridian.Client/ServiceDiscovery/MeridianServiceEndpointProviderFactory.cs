using System.Diagnostics.CodeAnalysis;
using Meridian.Client.Connection;
using Meridian.Client.Discovery;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace Meridian.Client.ServiceDiscovery;

/// <summary>
/// Claims service names for Meridian. The Meridian servers themselves and IP literals are never claimed, so nothing
/// that talks to the registry can end up resolving through it.
/// </summary>
internal sealed class MeridianServiceEndpointProviderFactory(MeridianDiscovery discovery, IOptions<MeridianClientOptions> options)
    : IServiceEndpointProviderFactory
{
    private readonly HashSet<string> _servers = new(
        options.Value.ServerAddresses.Select(a => ServerAddressList.TryParse(a, out var uri) ? uri.Host : null).OfType<string>(),
        StringComparer.OrdinalIgnoreCase);

    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        var name = query.ServiceName;
        if (string.IsNullOrEmpty(name) || _servers.Contains(name) || System.Net.IPAddress.TryParse(name, out _) ||
            string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            provider = null;
            return false;
        }

        provider = new MeridianServiceEndpointProvider(name, discovery);
        return true;
    }
}
