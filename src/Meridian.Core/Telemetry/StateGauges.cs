using System.Diagnostics.Metrics;
using Meridian.Config;
using Meridian.Config.Listening;
using Meridian.Namespaces;
using Meridian.Naming;

namespace Meridian.Telemetry;

/// <summary>
/// Gauges of what the server holds (instances, services, configs, namespaces, long polls waiting), read when a
/// collector asks, from counts the projections keep: a scrape costs the same however large the registry is.
/// </summary>
public sealed class StateGauges
{
    public StateGauges(ServerMetrics metrics, InstanceLeases leases, RegistryProjection registry, NamespaceCatalog namespaces,
        ConfigProjection? configs = null, ConfigListeners? listeners = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var meter = metrics.Meter;
        meter.CreateObservableGauge("meridian.instances", () => leases.Count, "{instance}", "Instances registered.");
        meter.CreateObservableGauge("meridian.services", () => namespaces.Ids.Sum(registry.ServiceCount), "{service}", "Services, with or without instances.");
        meter.CreateObservableGauge("meridian.namespaces", () => namespaces.Ids.Count, "{namespace}", "Namespaces.");
        if (configs is not null)
        {
            meter.CreateObservableGauge("meridian.configs", () => configs.Count, "{config}", "Configs.");
        }

        if (listeners is not null)
        {
            meter.CreateObservableGauge("meridian.config.longpolls", () => listeners.Waiting, "{request}", "Long polls held, waiting for a change.");
        }
    }
}
