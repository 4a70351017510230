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
        var options = new MeridianConfigOptions();
        var section = builder.Configuration.GetSection(SectionName);
        section.Bind(options);
        section.GetSection("Config").Bind(options);
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
