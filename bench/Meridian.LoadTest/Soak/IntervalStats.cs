using System.Diagnostics;
using System.Net.Http;
using HdrHistogram;

namespace Meridian.LoadTest.Soak;

/// <summary>What one kind of operation did in one sampling interval: its latencies and its failures by kind.</summary>
internal sealed record IntervalSnapshot(LongHistogram Histogram, IReadOnlyDictionary<string, long> Errors)
{
    public long Count => Histogram.TotalCount;

    public Latency Latency { get; } = Latency.From(Histogram);

    public long ErrorCount => Errors.Values.Sum();
}

/// <summary>
/// Latencies and failures of one kind of operation, handed over and started afresh at each sample
/// (<see cref="Take"/>), and summed over the whole run. A failure is counted by its HTTP status (any non-2xx), or as
/// <c>timeout</c> or the exception's type, and never stops the load.
/// </summary>
internal sealed class IntervalStats(string name)
{
    private readonly Lock _gate = new();
    private readonly LongHistogram _total = Load.NewHistogram();
    private LongHistogram _current = Load.NewHistogram();
    private Dictionary<string, long> _errors = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public Latency Total
    {
        get
        {
            lock (_gate)
            {
                var all = _total.Copy();
                all.Add(_current);
                return Latency.From(all);
            }
        }
    }

    /// <summary>Runs one operation and records its latency, or its failure; false when it failed or was cancelled.</summary>
    public async Task<bool> TimeAsync(Func<CancellationToken, Task> operation, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await operation(ct);
            RecordSince(start);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            Error(e);
            return false;
        }
    }

    public void RecordSince(long startTimestamp) =>
        RecordMicros((long)(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds * 1000));

    public void RecordMicros(long micros)
    {
        lock (_gate)
        {
            _current.RecordValue(Math.Clamp(micros, 1, Load.MaxMicros));
        }
    }

    public void Error(Exception e)
    {
        var kind = e switch
        {
            HttpRequestException { StatusCode: { } status } => ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
            TaskCanceledException or TimeoutException => "timeout",
            HttpRequestException http => "connect: " + (http.HttpRequestError.ToString()),
            _ => e.GetType().Name,
        };
        lock (_gate)
        {
            _errors[kind] = _errors.GetValueOrDefault(kind) + 1;
        }
    }

    public IntervalSnapshot Take()
    {
        LongHistogram interval;
        Dictionary<string, long> errors;
        lock (_gate)
        {
            interval = _current;
            errors = _errors;
            _current = Load.NewHistogram();
            _errors = new Dictionary<string, long>(StringComparer.Ordinal);
            _total.Add(interval);
        }

        return new IntervalSnapshot(interval, errors);
    }
}
