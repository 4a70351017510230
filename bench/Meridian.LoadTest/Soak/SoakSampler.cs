using System.Diagnostics;
using System.Globalization;

namespace Meridian.LoadTest.Soak;

/// <summary>One sampling interval: the server process as /proc shows it at the end, and what each load did during it.</summary>
internal sealed record SoakSample(
    TimeSpan Elapsed, long RssBytes, long AnonBytes, int Threads, int OpenFds, double CpuPercent, IReadOnlyList<(string Name, IntervalSnapshot Ops)> Ops)
{
    public long Errors => Ops.Sum(o => o.Ops.ErrorCount);

    public IntervalSnapshot Of(string name) => Ops.First(o => o.Name == name).Ops;
}

/// <summary>
/// Every interval, reads the server's memory, threads, open files and CPU from /proc/PID and takes each load's
/// latencies and failures of the interval.
/// </summary>
internal sealed class SoakSampler(int pid, TimeSpan interval, IReadOnlyList<IntervalStats> loads)
{
    private readonly List<SoakSample> _samples = [];

    public IReadOnlyList<SoakSample> Samples => _samples;

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        var start = Stopwatch.GetTimestamp();
        var cpu = ProcessStats.CpuSeconds(pid);
        var last = start;
        foreach (var load in loads)
        {
            load.Take(); // start every interval afresh from here
        }

        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = Stopwatch.GetTimestamp();
                var cpuNow = ProcessStats.CpuSeconds(pid);
                var sample = new SoakSample(
                    Stopwatch.GetElapsedTime(start, now),
                    ProcessStats.ResidentBytes(pid),
                    ProcessStats.AnonymousBytes(pid),
                    ProcessStats.Threads(pid),
                    ProcessStats.OpenFileDescriptors(pid),
                    100 * (cpuNow - cpu) / Stopwatch.GetElapsedTime(last, now).TotalSeconds,
                    [.. loads.Select(l => (l.Name, l.Take()))]);
                cpu = cpuNow;
                last = now;
                _samples.Add(sample);
                Console.WriteLine(Line(sample));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static string Line(SoakSample s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Elapsed:hh\\:mm\\:ss} RSS {s.RssBytes / 1048576.0,6:0} MiB anon {s.AnonBytes / 1048576.0,6:0} MiB threads {s.Threads,4} fds {s.OpenFds,5} CPU {s.CpuPercent,4:0}% | ") +
        string.Join(" | ", s.Ops.Select(o => string.Create(CultureInfo.InvariantCulture,
            $"{o.Name} {o.Ops.Count} p99 {o.Ops.Latency.P99:0.0} ms{(o.Ops.ErrorCount > 0 ? $" ERR {o.Ops.ErrorCount}" : "")}")));
}
