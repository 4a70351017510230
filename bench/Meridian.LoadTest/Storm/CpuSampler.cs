using System.Diagnostics;

namespace Meridian.LoadTest.Storm;

/// <summary>One reading of the server's CPU time, with the pid it was read from (the server is restarted mid-run).</summary>
internal readonly record struct CpuReading(long At, int Pid, double CpuSeconds);

/// <summary>Reads the current server process's CPU time every 100 ms; a moment with no server is skipped.</summary>
internal sealed class CpuSampler(Func<int> pid)
{
    private readonly List<CpuReading> _readings = [];

    public IReadOnlyList<CpuReading> Readings => _readings;

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var current = pid();
                try
                {
                    // A reading this thread was descheduled in the middle of would credit the wait to the wrong slot: dropped.
                    var before = Stopwatch.GetTimestamp();
                    var seconds = ProcessStats.CpuSeconds(current);
                    var after = Stopwatch.GetTimestamp();
                    if (Stopwatch.GetElapsedTime(before, after) < TimeSpan.FromMilliseconds(20))
                    {
                        _readings.Add(new CpuReading(after, current, seconds));
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                {
                    // Between the kill and the restart there is no process to read.
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>CPU % of one core from each reading to the next of the same process, at the later reading's time.</summary>
    public IEnumerable<(long At, double Percent)> Usage()
    {
        for (var i = 1; i < _readings.Count; i++)
        {
            var (a, b) = (_readings[i - 1], _readings[i]);
            if (a.Pid == b.Pid)
            {
                yield return (b.At, 100 * (b.CpuSeconds - a.CpuSeconds) / ((b.At - a.At) / (double)Stopwatch.Frequency));
            }
        }
    }
}
