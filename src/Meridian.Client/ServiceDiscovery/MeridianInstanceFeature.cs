using Meridian.Client.Discovery;

namespace Meridian.Client.ServiceDiscovery;

/// <summary>Carried on each endpoint Meridian supplies, so consumers can read its weight, cluster and metadata.</summary>
public sealed class MeridianInstanceFeature(ServiceInstance instance)
{
    public ServiceInstance Instance { get; } = instance;
}
