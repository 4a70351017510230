using Meridian.Protocols.Nacos;
using Meridian.Protocols.Nacos.Push;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class NacosServiceCollectionExtensions
{
    /// <summary>Adds the Nacos v1 adapter: its options (<c>Meridian:Nacos</c>) and UDP push. Needs the registry (AddMeridianRegistry).</summary>
    public static IServiceCollection AddMeridianNacos(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<NacosOptions>().BindConfiguration(NacosOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NacosOptions>, NacosOptionsValidator>());
        services.TryAddSingleton<NacosPushSubscribers>();
        services.AddHostedService<NacosUdpPusher>();
        return services;
    }
}
