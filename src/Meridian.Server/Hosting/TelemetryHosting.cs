using Meridian.Config;
using Meridian.Config.Listening;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Server.Auth;
using Meridian.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Meridian.Server.Hosting;

/// <summary>
/// OpenTelemetry for the server: the <c>Meridian.Server</c> meter and the runtime's, scraped by Prometheus at
/// <c>/metrics</c> (with credentials, like every endpoint but health), and traces of registrations, publishes and
/// pushes sent over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector.
/// </summary>
internal static class TelemetryHosting
{
    public static IServiceCollection AddMeridianTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new StateGauges(
            sp.GetRequiredService<ServerMetrics>(),
            sp.GetRequiredService<InstanceLeases>(),
            sp.GetRequiredService<RegistryProjection>(),
            sp.GetRequiredService<NamespaceCatalog>(),
            sp.GetService<ConfigProjection>(),
            sp.GetService<ConfigListeners>()));
        var otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ServerMetrics.MeterName).AddRuntimeInstrumentation().AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(ServerMetrics.MeterName).AddOtlpExporter());
        }

        return services;
    }

    public static void MapMeridianTelemetry(this WebApplication app)
    {
        // The gauges observe from now on.
        app.Services.GetRequiredService<StateGauges>();
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(MeridianAuthorization.Policy);
    }
}
