using Meridian.Changes;
using Meridian.Config;
using Meridian.Config.Listening;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ConfigServiceCollectionExtensions
{
    /// <summary>
    /// Adds the configuration center: the config projection, its commands, long-poll listeners and the history cleanup.
    /// Needs the change log and a storage engine (<see cref="MeridianCoreServiceCollectionExtensions.AddMeridianRegistry"/>
    /// and an <see cref="Meridian.Persistence.IConfigHistoryStore"/>).
    /// </summary>
    public static IServiceCollection AddMeridianConfig(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMeridianChangeLog();
        services.TryAddSingleton<ConfigProjection>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChangeProjection, ConfigProjection>(sp => sp.GetRequiredService<ConfigProjection>()));
        services.TryAddSingleton<ConfigService>();
        services.TryAddSingleton<ConfigListeners>();
        services.TryAddSingleton<Meridian.Config.Transfer.ConfigTransfer>();
        services.TryAddSingleton<ConfigHistoryCleanup>();

        services.AddOptions<ConfigOptions>().BindConfiguration(ConfigOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConfigOptions>, ConfigOptionsValidator>());

        services.AddHostedService<ListenerRelease>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigHistoryCleanup>());
        return services;
    }
}
