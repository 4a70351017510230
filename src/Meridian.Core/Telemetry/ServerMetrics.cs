using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Meridian.Telemetry;

/// <summary>
/// The server's counters, on the meter <see cref="MeterName"/>, and its <see cref="ActivitySource"/> of the same name
/// for traces of registrations, publishes and pushes. Adding to a counter takes no lock and, with nobody listening,
/// costs nothing; gauges over what the server holds are read only when a collector asks (<see cref="StateGauges"/>).
/// </summary>
public sealed class ServerMetrics
{
    public const string MeterName = "Meridian.Server";

    private readonly Counter<long> _heartbeats;
    private readonly Counter<long> _registered;
    private readonly Counter<long> _deregistered;
    private readonly Counter<long> _expired;
    private readonly Counter<long> _published;
    private readonly Counter<long> _configsDeleted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _commitFailures;
    private readonly Counter<long> _pushes;
    private readonly Histogram<double> _fanOut;

    public ServerMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(MeterName);
        _heartbeats = Meter.CreateCounter<long>("meridian.heartbeats", "{heartbeat}", "Heartbeats that renewed a registered instance.");
        _registered = Meter.CreateCounter<long>("meridian.instances.registered", "{instance}", "Instances registered (new ones, not renewals).");
        _deregistered = Meter.CreateCounter<long>("meridian.instances.deregistered", "{instance}", "Instances deregistered by a client.");
        _expired = Meter.CreateCounter<long>("meridian.instances.expired", "{instance}", "Instances removed for want of heartbeats, or because their connection ended for good.");
        _published = Meter.CreateCounter<long>("meridian.config.publishes", "{publish}", "Config versions published (publishes and rollbacks that changed something).");
        _configsDeleted = Meter.CreateCounter<long>("meridian.config.deletes", "{delete}", "Configs deleted.");
        _rejected = Meter.CreateCounter<long>("meridian.rejections", "{request}", "Requests refused by a quota or the request rate limit, by limit.");
        _commitFailures = Meter.CreateCounter<long>("meridian.store.failures", "{batch}", "Batches of writes the store could not take.");
        _pushes = Meter.CreateCounter<long>("meridian.pushes", "{push}", "Changes handed to subscribers' connections (one per subscriber).");
        _fanOut = Meter.CreateHistogram<double>("meridian.push.fanout.duration", "s",
            "From a change applied to every subscriber's connection holding it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
    }

    public Meter Meter { get; }

    public ActivitySource Activities { get; } = new(MeterName);

    public void Heartbeat() => _heartbeats.Add(1);

    public void Registered() => _registered.Add(1);

    public void Deregistered() => _deregistered.Add(1);

    public void Expired() => _expired.Add(1);

    public void Published() => _published.Add(1);

    public void ConfigDeleted() => _configsDeleted.Add(1);

    public void Rejected(string limit) => _rejected.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void CommitFailed() => _commitFailures.Add(1);

    /// <summary>One change given to <paramref name="subscribers"/> connections, <paramref name="elapsed"/> after it was applied.</summary>
    public void FannedOut(int subscribers, TimeSpan elapsed, string kind)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        _pushes.Add(subscribers, tag);
        _fanOut.Record(elapsed.TotalSeconds, tag);
    }
}
