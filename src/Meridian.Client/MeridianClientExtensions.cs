using Meridian.Client;
using Meridian.Client.Connection;
using Meridian.Client.Discovery;
using Meridian.Client.LoadBalancing;
using Meridian.Client.Registration;
using Meridian.Client.ServiceDiscovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

public static class MeridianClientExtensions
{
    /// <summary>
    /// Reads the <c>Meridian</c> section and wires the whole client: the connection, discovery with its disk snapshot,
    /// self-registration with health reporting, and Microsoft.Extensions.ServiceDiscovery resolution of service names
    /// (so <c>AddHttpClient(..).AddServiceDiscovery()</c> and YARP resolve through Meridian). Add
    /// <see cref="AddMeridianLoadBalancing"/> to an HttpClient for weighted, cluster-aware balancing.
    /// When the section has a <c>Config</c> subsection, Meridian configuration is added too (see <c>AddMeridianConfig</c>).
    /// </summary>
    public static IHostApplicationBuilder AddMeridian(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration.GetSection($"{MeridianClientOptions.SectionName}:Config").Exists())
        {
            builder.AddMeridianConfig();
        }

        builder.Services.AddMeridianDiscovery();
        builder.Services.AddMeridianServiceEndpointProvider();
        if (builder.Configuration.GetValue($"{MeridianClientOptions.SectionName}:{nameof(MeridianClientOptions.Register)}", true))
        {
            builder.Services.AddMeridianRegistration();
        }

        return builder;
    }

    /// <summary>The connection, the push-fed cache with its disk snapshot, <see cref="IMeridianDiscovery"/> and the load balancer.</summary>
    public static IServiceCollection AddMeridianDiscovery(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MeridianClientOptions>().BindConfiguration(MeridianClientOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MeridianClientOptions>, MeridianClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<Meridian.Client.Telemetry.ClientMetrics>();
        services.TryAddSingleton<SnapshotStore>();
        services.TryAddSingleton<ServiceCache>();
        services.TryAddSingleton<MeridianConnection>();
        services.TryAddSingleton<MeridianDiscovery>();
        services.TryAddSingleton<IMeridianDiscovery>(sp => sp.GetRequiredService<MeridianDiscovery>());
        services.TryAddSingleton(sp => new MeridianLoadBalancer(
            sp.GetRequiredService<MeridianDiscovery>(),
            sp.GetRequiredService<TimeProvider>(),
            Random.Shared,
            sp.GetRequiredService<IOptions<MeridianClientOptions>>(),
            sp.GetRequiredService<Logging.ILogger<MeridianLoadBalancer>>()));
        services.TryAddTransient<MeridianLoadBalancingHandler>();
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory?.Method.DeclaringType == typeof(MeridianClientExtensions)))
        {
            services.AddHostedService(sp => sp.GetRequiredService<SnapshotStore>());
            services.AddHostedService(sp => sp.GetRequiredService<MeridianConnection>());
            services.AddHostedService<EagerResolver>();
            services.AddHostedService<Meridian.Client.Settings.UnknownSettingsReport>();
        }

        return services;
    }

    /// <summary>Registers this app when it has started and deregisters it when it stops; reports its health checks.</summary>
    public static IServiceCollection AddMeridianRegistration(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMeridianDiscovery();
        services.TryAddSingleton<MeridianRegistrar>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MeridianRegistrar>(sp => sp.GetRequiredService<MeridianRegistrar>()));
        services.AddHealthChecks();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthCheckPublisher, MeridianHealthPublisher>());
        return services;
    }

    /// <summary>
    /// Lets Microsoft.Extensions.ServiceDiscovery resolve service names through Meridian. Registered ahead of the
    /// configuration provider, so Meridian answers first for the names it knows.
    /// </summary>
    public static IServiceCollection AddMeridianServiceEndpointProvider(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMeridianDiscovery();
        services.AddServiceDiscoveryCore();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, MeridianServiceEndpointProviderFactory>());
        return services;
    }

    /// <summary>
    /// Balances this client's calls to <c>http://&lt;service&gt;/…</c> over the service's instances by its configured rule.
    /// Adds a Microsoft.Extensions.Http.Resilience handler (total timeout, retry, attempt timeout from
    /// <c>Meridian:LoadBalancing</c>) outside the instance choice, so every retry picks an instance the call has not
    /// tried, in another cluster when same-cluster-first has none left in its own. A connection that could not be made
    /// is retried for any method; other transient failures only for idempotent ones. Use it instead of
    /// <c>AddServiceDiscovery()</c> on a client, and without another retrying resilience handler on the same client.
    /// </summary>
    public static IHttpClientBuilder AddMeridianLoadBalancing(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMeridianDiscovery();
        builder.AddResilienceHandler(MeridianResiliencePipeline.Name, static (pipeline, context) =>
            MeridianResiliencePipeline.Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<MeridianClientOptions>>().Value.LoadBalancing));
        return builder.AddHttpMessageHandler<MeridianLoadBalancingHandler>();
    }
}
