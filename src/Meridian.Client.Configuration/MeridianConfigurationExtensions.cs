using Meridian.Client.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

public static class MeridianConfigurationExtensions
{
    public const string SectionName = "Meridian";

    /// <summary>
    /// Adds Meridian configuration above the app's local settings: shared configs, then extension configs, then
    /// <c>{app}.{ext}</c>, then <c>{app}-{env}.{ext}</c> (highest). Settings come from the <c>Meridian</c> section.
    /// Also registers <see cref="IMeridianConfigurationRefresher"/> and a health check named <c>meridian-config</c>.
    /// </summary>
    public static IHostApplicationBuilder AddMeridianConfig(this IHostApplicationBuilder builder, Action<MeridianConfigOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = ReadOptions(builder.Configuration.GetSection(SectionName));
        configure?.Invoke(options);

        var source = new MeridianConfigurationSource(options, builder.Environment.ApplicationName, builder.Environment.EnvironmentName);
        builder.Configuration.Add(source);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(source.Refresher);
        builder.Services.AddHostedService(sp => new LoggerAttachment(source, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "meridian-config",
            sp => new MeridianConfigHealthCheck(source.Refresher, sp.GetRequiredService<TimeProvider>(), options.StaleAfter),
            HealthStatus.Degraded,
            ["ready"]));
        return builder;
    }

    /// <summary>Adds Meridian configuration to a plain configuration builder, with the options given.</summary>
    public static IConfigurationBuilder AddMeridianConfig(this IConfigurationBuilder builder, MeridianConfigOptions options, string applicationName, string environment)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new MeridianConfigurationSource(options, applicationName, environment));
    }

    /// <summary>
    /// Settings come from <c>Meridian:Config</c>; the namespace and the servers fall back to the <c>Meridian</c> section the
    /// discovery client reads. Its addresses are client-connection ports, and by Meridian's (and Nacos's) convention the
    /// HTTP port is that port minus 1000 (9848 → 8848); set <c>Meridian:Config:ServerAddresses</c> when it is not.
    /// </summary>
    internal static MeridianConfigOptions ReadOptions(IConfigurationSection meridian)
    {
        var options = new MeridianConfigOptions();
        meridian.GetSection("Config").Bind(options);
        if (string.IsNullOrEmpty(options.AccessKey) && meridian["AccessKey"] is { Length: > 0 } key)
        {
            options.AccessKey = key;
        }

        if (string.IsNullOrEmpty(options.Tls.CaCertificatePath) && meridian["Tls:CaCertificatePath"] is { Length: > 0 } ca)
        {
            options.Tls.CaCertificatePath = ca;
        }

        if (meridian.GetSection("Config:Namespace").Value is null && meridian["Namespace"] is { Length: > 0 } ns)
        {
            options.Namespace = ns;
        }

        if (options.ServerAddresses.Count == 0)
        {
            options.ServerAddresses = [.. (meridian.GetSection("ServerAddresses").Get<string[]>() ?? []).Select(HttpAddressOf)];
        }

        return options;
    }

    internal static string HttpAddressOf(string connectionAddress)
    {
        var withScheme = connectionAddress.Contains("://", StringComparison.Ordinal) ? connectionAddress : "http://" + connectionAddress;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri))
        {
            return connectionAddress;
        }

        var port = uri.IsDefaultPort ? 9848 : uri.Port;
        return new UriBuilder(uri.Scheme == "https" ? "https" : "http", uri.Host, port > 1000 ? port - 1000 : port).Uri.ToString();
    }

    private sealed class LoggerAttachment(MeridianConfigurationSource source, ILoggerFactory loggers) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            source.Log.Attach(loggers.CreateLogger("Meridian.Client.Configuration"));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
