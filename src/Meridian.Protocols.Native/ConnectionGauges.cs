using Meridian.Telemetry;

namespace Meridian.Protocols.Native;

/// <summary>Gauges of the client connections: how many are open, and how many subscriptions they hold together.</summary>
internal sealed class ConnectionGauges
{
    public ConnectionGauges(ServerMetrics metrics, AddressConnections connections, PushHub hub)
    {
        metrics.Meter.CreateObservableGauge("meridian.connections", () => connections.Total, "{connection}", "Client connections (gRPC streams) open.");
        metrics.Meter.CreateObservableGauge("meridian.subscriptions", () => hub.Subscriptions, "{subscription}", "Service and config subscriptions the open connections hold.");
    }
}
