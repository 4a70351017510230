using System.Net;
using Meridian.Client.Discovery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.ServiceDiscovery;

namespace Meridian.Client.ServiceDiscovery;

/// <summary>
/// Supplies a service's instances taking traffic to Microsoft.Extensions.ServiceDiscovery, with a change token that
/// fires on the next push: the resolver refreshes on push, not by polling. A server outage never fails a resolution:
/// the last known list is served.
/// </summary>
internal sealed class MeridianServiceEndpointProvider(string service, MeridianDiscovery discovery) : IServiceEndpointProvider
{
    public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        if (endpoints.Endpoints.Count > 0)
        {
            return;
        }

        var id = discovery.Id(service, null);
        var cached = await discovery.ResolveAsync(id, cancellationToken);
        // Take the token before reading the list, so a push landing in between fires it rather than being missed.
        endpoints.AddChangeToken(cached.ChangeToken());
        foreach (var instance in cached.Current.Serving)
        {
            EndPoint endPoint = IPAddress.TryParse(instance.Host, out var ip)
                ? new IPEndPoint(ip, instance.Port)
                : new DnsEndPoint(instance.Host, instance.Port);
            var features = new FeatureCollection();
            features.Set(new MeridianInstanceFeature(instance));
            endpoints.Endpoints.Add(ServiceEndpoint.Create(endPoint, features));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => $"Meridian({service})";
}
