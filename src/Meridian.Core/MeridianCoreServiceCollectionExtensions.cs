using Meridian.Health;
using Meridian.Namespaces;
using Meridian.Naming;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class MeridianCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the registry, its expiry sweep and the persistent-instance prober. A storage engine must be added too
    /// (an <see cref="Meridian.Persistence.IRegistryStore"/>).
    /// </summary>
    public static IServiceCollection AddMeridianRegistry(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RevisionClock>();
        services.TryAddSingleton<NamespaceCatalog>();
        services.TryAddSingleton<ServiceRegistry>();

        services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>());
        services.AddOptions<HealthCheckOptions>().BindConfiguration(HealthCheckOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthCheckOptions>, HealthCheckOptionsValidator>());

        services.AddHttpClient(HttpHealthProbe.ClientName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthProbe, TcpHealthProbe>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthProbe, HttpHealthProbe>());

        // The loader must run before anything that reads the registry at start.
        services.AddHostedService<RegistryLoader>();
        services.AddHostedService<EphemeralExpiry>();
        services.AddHostedService<PersistentInstanceProber>();
        return services;
    }
}
