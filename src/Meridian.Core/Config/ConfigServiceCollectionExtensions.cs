using Meridian.Config;
using Meridian.Config.Listening;
using Meridian.Namespaces;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ConfigServiceCollectionExtensions
{
    /// <summary>
    /// Adds the configuration center: the config cache and its loader, long-poll listeners and the history cleanup.
    /// A storage engine must be added too (an <see cref="Meridian.Persistence.IConfigStore"/>), and the namespace catalog
    /// (<see cref="MeridianCoreServiceCollectionExtensions.AddMeridianRegistry"/>).
    /// </summary>
    public static IServiceCollection AddMeridianConfig(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NamespaceCatalog>();
        services.TryAddSingleton<ConfigService>();
        services.TryAddSingleton<ConfigListeners>();
        services.TryAddSingleton<ConfigHistoryCleanup>();

        services.AddOptions<ConfigOptions>().BindConfiguration(ConfigOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConfigOptions>, ConfigOptionsValidator>());

        services.AddHostedService<ConfigLoader>();
        services.AddHostedService<ListenerRelease>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigHistoryCleanup>());
        return services;
    }
}
