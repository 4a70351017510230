using Meridian.Naming;
using Meridian.Protocols.Nacos;
using Meridian.Protocols.Nacos.Grpc;
using Meridian.Protocols.Nacos.Push;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class NacosServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Nacos adapter: its options (<c>Meridian:Nacos</c>), UDP push for 1.x clients and the 2.x/3.x gRPC
    /// protocol. Needs the registry and config center (AddMeridianRegistry, AddMeridianConfig) and the client-connection
    /// port (AddMeridianConnections), which the gRPC protocol is served on.
    /// </summary>
    public static IServiceCollection AddMeridianNacos(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<NacosOptions>().BindConfiguration(NacosOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NacosOptions>, NacosOptionsValidator>());
        services.TryAddSingleton<NacosPushSubscribers>();
        services.AddHostedService<NacosUdpPusher>();

        services.AddGrpc();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<NacosGrpcService>, NacosMethodProvider>());
        services.TryAddSingleton<NacosGrpcService>();
        services.TryAddSingleton<NacosRequestDispatcher>();
        services.TryAddSingleton<NacosConnections>();
        services.TryAddSingleton<NacosGrpcCallers>();
        services.TryAddSingleton<NacosNamingRequests>();
        services.TryAddSingleton<NacosConfigRequests>();
        services.TryAddSingleton<NacosPushHub>();
        services.AddHostedService(sp => sp.GetRequiredService<NacosPushHub>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceSubscriberSource, NacosSubscriberSource>());
        return services;
    }
}
