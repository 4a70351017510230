using Meridian.Protocols.Eureka;
using Meridian.Protocols.Eureka.Registry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class EurekaServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Eureka adapter: its options (<c>Meridian:Eureka</c>), the application index, the delta queue and
    /// optional self-preservation. Needs the registry (AddMeridianRegistry).
    /// </summary>
    public static IServiceCollection AddMeridianEureka(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EurekaOptions>().BindConfiguration(EurekaOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EurekaOptions>, EurekaOptionsValidator>());
        services.TryAddSingleton<EurekaApps>();
        services.TryAddSingleton<EurekaDeltaQueue>();
        services.TryAddSingleton<EurekaRegistryView>();
        services.TryAddSingleton<EurekaPayloadCache>();
        services.TryAddSingleton<EurekaRenewalMeter>();
        services.TryAddSingleton<EurekaRegistrar>();
        services.TryAddSingleton<EurekaSelfPreservation>();
        services.AddHostedService(sp => sp.GetRequiredService<EurekaSelfPreservation>());
        return services;
    }
}
