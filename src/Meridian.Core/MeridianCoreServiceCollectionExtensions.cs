using Meridian.Changes;
using Meridian.Cluster;
using Meridian.Health;
using Meridian.Limits;
using Meridian.Namespaces;
using Meridian.Naming;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class MeridianCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the change log: the one path from commands into memory, its start-up load and its compaction. A storage
    /// engine must be added too (an <see cref="Meridian.Persistence.IChangeStore"/>). Hosted first, so everything that
    /// reads memory at start finds it loaded.
    /// </summary>
    public static IServiceCollection AddMeridianChangeLog(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ChangeLog)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ChangeLogOptions>().BindConfiguration(ChangeLogOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChangeLogOptions>, ChangeLogOptionsValidator>());
        services.AddOptions<LimitOptions>().BindConfiguration(LimitOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LimitOptions>, LimitOptionsValidator>());
        services.TryAddSingleton<NamespaceCatalog>();
        services.TryAddSingleton<WriteHealth>();
        services.AddMetrics();
        services.TryAddSingleton<Meridian.Telemetry.ServerMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChangeProjection, NamespaceCatalog>(sp => sp.GetRequiredService<NamespaceCatalog>()));
        services.TryAddSingleton<ClusterLead>();
        services.AddSingleton<ChangeLog>();
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, ChangeLog>(sp => sp.GetRequiredService<ChangeLog>()));
        services.AddHostedService<ChangeLogCompaction>();
        return services;
    }

    /// <summary>
    /// Adds the registry: its projection, commands and leases, the expiry sweep and the persistent-instance prober, on
    /// the change log.
    /// </summary>
    public static IServiceCollection AddMeridianRegistry(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMeridianChangeLog();
        services.TryAddSingleton<InstanceLeases>();
        services.TryAddSingleton<RegistryProjection>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChangeProjection, RegistryProjection>(sp => sp.GetRequiredService<RegistryProjection>()));
        services.TryAddSingleton<RegistryCommands>();
        services.TryAddSingleton<ServiceSubscribers>();
        services.TryAddSingleton<HeartbeatSharing>();
        services.AddHostedService(sp => sp.GetRequiredService<HeartbeatSharing>());
        services.TryAddSingleton<ClusterMembership>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterMembership>());
        services.TryAddSingleton<NamespaceCommands>();
        services.TryAddSingleton<ClientSessions>();
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.SectionName)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Id) && o.Id.Length <= 128, "Meridian:Node:Id must be 1..128 characters.").ValidateOnStart();

        services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>());
        services.AddOptions<HealthCheckOptions>().BindConfiguration(HealthCheckOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthCheckOptions>, HealthCheckOptionsValidator>());

        services.TryAddSingleton<ProbeNetworks>();
        // The probe's connections go through the same fence as TCP probes, after name resolution.
        services.AddHttpClient(HttpHealthProbe.ClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var networks = sp.GetRequiredService<ProbeNetworks>();
            return new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                ConnectCallback = async (context, ct) =>
                    new System.Net.Sockets.NetworkStream(await networks.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct), ownsSocket: true),
            };
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthProbe, TcpHealthProbe>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthProbe, HttpHealthProbe>());

        services.AddHostedService<EphemeralExpiry>();
        services.AddHostedService<PersistentInstanceProber>();
        return services;
    }

    /// <summary>
    /// Adds users, roles and access keys (an <see cref="Meridian.Persistence.IAuthStore"/> must be added too), the
    /// token service and the credential checks. Hosted before anything that serves requests.
    /// </summary>
    public static IServiceCollection AddMeridianAuthCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<Meridian.Auth.AuthOptions>().BindConfiguration(Meridian.Auth.AuthOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Meridian.Auth.AuthOptions>, Meridian.Auth.AuthOptionsValidator>());
        services.TryAddSingleton<Meridian.Auth.AuthDirectory>();
        services.AddHostedService(sp => sp.GetRequiredService<Meridian.Auth.AuthDirectory>());
        services.TryAddSingleton<Meridian.Auth.TokenService>();
        services.TryAddSingleton<Meridian.Auth.Credentials>();
        services.TryAddSingleton<Meridian.Auth.BrowserSessions>();
        return services;
    }
}
