using System.Diagnostics.Metrics;

namespace Meridian.Client.Configuration;

/// <summary>
/// The configuration source's instruments, on the client's meter <c>Meridian.Client</c>. The source is built before
/// the app's services exist, so it owns its meter instead of taking one from <c>IMeterFactory</c>; listeners subscribe
/// by name, so OpenTelemetry's <c>AddMeter("Meridian.Client")</c> collects these with the rest.
/// </summary>
internal sealed class ConfigMetrics : IDisposable
{
    private readonly Meter _meter = new("Meridian.Client");
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _failures;

    public ConfigMetrics()
    {
        _reloads = _meter.CreateCounter<long>("meridian.client.config.reloads", "{reload}", "Times a change from the server reached IConfiguration.");
        _rejected = _meter.CreateCounter<long>("meridian.client.config.rejected", "{config}", "Config contents that did not parse; the last good values stayed.");
        _failures = _meter.CreateCounter<long>("meridian.client.config.fetch_failures", "{request}", "Reads and long-polls of the server that failed.");
    }

    public void Reloaded() => _reloads.Add(1);

    public void Rejected(string dataId) => _rejected.Add(1, new KeyValuePair<string, object?>("meridian.config", dataId));

    public void FetchFailed() => _failures.Add(1);

    public void Dispose() => _meter.Dispose();
}
