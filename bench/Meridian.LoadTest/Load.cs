using System.Diagnostics;
using HdrHistogram;

namespace Meridian.LoadTest;

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record Latency(double P50, double P99, double P999, double Max, long Count)
{
    public static Latency From(HistogramBase h) => h.TotalCount == 0
        ? new Latency(double.NaN, double.NaN, double.NaN, double.NaN, 0)
        : new Latency(Ms(h.GetValueAtPercentile(50)), Ms(h.GetValueAtPercentile(99)), Ms(h.GetValueAtPercentile(99.9)), Ms(h.GetMaxValue()), h.TotalCount);

    public static Latency FromMicros(IEnumerable<long> micros)
    {
        var h = Load.NewHistogram();
        foreach (var us in micros)
        {
            h.RecordValue(Math.Clamp(us, 1, Load.MaxMicros));
        }

        return From(h);
    }

    private static double Ms(long micros) => micros / 1000.0;

    public override string ToString() => Count == 0 ? "—" : $"{P50:0.00} / {P99:0.00} / {P999:0.00}";
}

/// <summary>A throughput run: how many operations succeeded per second, with their latency.</summary>
internal sealed record Measurement(double OpsPerSecond, Latency Latency, long Succeeded, long Failed, double Seconds, string? FirstError, double ServerCpuSeconds)
{
    /// <summary>The server's own CPU time per successful operation, in microseconds.</summary>
    public double ServerCpuMicrosPerOp => Succeeded == 0 ? double.NaN : ServerCpuSeconds * 1e6 / Succeeded;
}

/// <summary>
/// Runs one operation from many workers at once, bounded by a count and a time, recording each call's latency.
/// Each worker keeps its own histogram so recording never contends.
/// </summary>
internal static class Load
{
    public const long MaxMicros = 120_000_000;

    public static LongHistogram NewHistogram() => new(MaxMicros, 3);

    /// <param name="completed">Called after each successful operation, on the worker that ran it.</param>
    public static async Task<Measurement> RunAsync(int serverPid, int concurrency, long count, TimeSpan duration,
        Func<long, int, CancellationToken, ValueTask> operation, CancellationToken ct, Action? completed = null)
    {
        var cpuBefore = ProcessStats.CpuSeconds(serverPid);
        long next = -1;
        long failed = 0;
        string? firstError = null;
        var histograms = new LongHistogram[concurrency];
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            var worker = w;
            var h = histograms[w] = NewHistogram();
            workers[w] = Task.Run(async () =>
            {
                while (!ct.IsCancellationRequested)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= count || Stopwatch.GetTimestamp() > deadline)
                    {
                        return;
                    }

                    var t = Stopwatch.GetTimestamp();
                    try
                    {
                        await operation(i, worker, ct);
                        h.RecordValue(Math.Clamp(Stopwatch.GetElapsedTime(t).Ticks / 10, 1, MaxMicros));
                        completed?.Invoke();
                    }
                    catch (Exception e) when (!ct.IsCancellationRequested)
                    {
                        if (Interlocked.Increment(ref failed) == 1)
                        {
                            firstError = e.GetType().Name + ": " + e.Message;
                        }
                    }
                }
            }, ct);
        }

        await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var total = NewHistogram();
        foreach (var h in histograms)
        {
            total.Add(h);
        }

        var cpu = ProcessStats.CpuSeconds(serverPid) - cpuBefore;
        return new Measurement(total.TotalCount / seconds, Latency.From(total), total.TotalCount, failed, seconds, firstError, cpu);
    }
}
