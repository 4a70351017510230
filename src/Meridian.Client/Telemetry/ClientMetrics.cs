using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Meridian.Client.Telemetry;

/// <summary>
/// The client's meter (<c>Meridian.Client</c>) and activity source: connections, pushes, registrations, calls that
/// found no instance and connect failures. OpenTelemetry collects them with <c>AddMeter(ClientMetrics.Name)</c> and
/// <c>AddSource(ClientMetrics.Name)</c>; <c>dotnet-counters monitor Meridian.Client</c> shows them without it.
/// </summary>
public sealed class ClientMetrics : IDisposable
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "Meridian.Client";

    private readonly Counter<long> _connects;
    private readonly Counter<long> _connectFailures;
    private readonly UpDownCounter<long> _connected;
    private readonly Counter<long> _pushes;
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _noInstance;
    private readonly Counter<long> _requestErrors;

    public ClientMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(Name);
        _connects = meter.CreateCounter<long>("meridian.client.connects", "{connection}", "Sessions established with a server (the first and every reconnect).");
        _connectFailures = meter.CreateCounter<long>("meridian.client.connect_failures", "{attempt}", "Attempts to reach a server that failed.");
        _connected = meter.CreateUpDownCounter<long>("meridian.client.connected", "{connection}", "1 while a session with a server is open.");
        _pushes = meter.CreateCounter<long>("meridian.client.pushes", "{push}", "Instance lists and changes the server pushed.");
        _registrations = meter.CreateCounter<long>("meridian.client.registrations", "{instance}", "Instances this process registered (again after every reconnect).");
        _noInstance = meter.CreateCounter<long>("meridian.client.no_instance", "{call}", "Calls that found no instance to send to.");
        _requestErrors = meter.CreateCounter<long>("meridian.client.request_errors", "{request}", "Requests to the server (register, subscribe, ping) that failed or were refused.");
    }

    public ActivitySource Activities { get; } = new(Name);

    public void Connected() { _connects.Add(1); _connected.Add(1); }

    public void Disconnected() => _connected.Add(-1);

    public void ConnectFailed() => _connectFailures.Add(1);

    /// <param name="kind"><c>list</c> (the whole list) or <c>delta</c> (what changed since the revision held).</param>
    public void Pushed(string service, string kind) =>
        _pushes.Add(1, new KeyValuePair<string, object?>("meridian.service", service), new KeyValuePair<string, object?>("meridian.push.kind", kind));

    public void Registered(string service) => _registrations.Add(1, new KeyValuePair<string, object?>("meridian.service", service));

    public void NoInstance(string service) => _noInstance.Add(1, new KeyValuePair<string, object?>("meridian.service", service));

    public void RequestFailed(string request) => _requestErrors.Add(1, new KeyValuePair<string, object?>("meridian.request", request));

    public void Dispose() => Activities.Dispose();
}
