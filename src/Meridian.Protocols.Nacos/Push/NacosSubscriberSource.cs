using Meridian.Naming;
using Meridian.Protocols.Nacos.Grpc;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Nacos.Push;

/// <summary>The Nacos clients following a service: 2.x gRPC connections, and 1.x clients that poll with a UDP port.</summary>
internal sealed class NacosSubscriberSource(NacosPushHub grpc, NacosPushSubscribers udp, IOptions<NacosOptions> options) : IServiceSubscriberSource
{
    public void AddSubscribersOf(ServiceKey key, ICollection<ServiceSubscriber> into)
    {
        grpc.AddFollowersOf(key, into);
        udp.AddSubscribersOf(key, options.Value.SubscriberTimeout, into);
    }
}
