using System.Diagnostics;

namespace Meridian.LoadTest;

/// <summary>
/// One change reaching many subscribers, repeated: <see cref="Last"/> is the time until the last subscriber had it
/// (one value per change), <see cref="Each"/> every subscriber's own delay.
/// </summary>
internal sealed record FanOutResult(int Subscribers, int Changes, Latency Last, Latency Each, double SetupSeconds, double ServerCpuMicrosPerDelivery);

/// <summary>Collects arrival times of one change across subscribers; completes when every one has it.</summary>
internal sealed class Arrivals
{
    private readonly long[] _at;
    private int _remaining;
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Arrivals(int subscribers)
    {
        _at = new long[subscribers];
        _remaining = subscribers;
    }

    public long Start { get; set; }

    public Task All => _all.Task;

    public void Arrived(int subscriber)
    {
        var now = Stopwatch.GetTimestamp();
        if (Interlocked.CompareExchange(ref _at[subscriber], now, 0) == 0 && Interlocked.Decrement(ref _remaining) == 0)
        {
            _all.TrySetResult();
        }
    }

    public void Fail(Exception e) => _all.TrySetException(e);

    public IEnumerable<long> DelaysMicros() => _at.Where(t => t != 0).Select(t => (long)((t - Start) * 1_000_000.0 / Stopwatch.Frequency));

    public async Task<bool> WaitAsync(TimeSpan limit, CancellationToken ct)
    {
        try
        {
            await All.WaitAsync(limit, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}

internal static class FanOutSummary
{
    /// <param name="serverCpuSeconds">The server's CPU time from just before each change until its last delivery, summed.</param>
    public static FanOutResult From(int subscribers, List<Arrivals> trials, double setupSeconds, double serverCpuSeconds)
    {
        var last = trials.Select(t => t.DelaysMicros().DefaultIfEmpty(Load.MaxMicros).Max()).ToList();
        var each = trials.SelectMany(t => t.DelaysMicros());
        return new FanOutResult(subscribers, trials.Count, Latency.FromMicros(last), Latency.FromMicros(each), setupSeconds,
            serverCpuSeconds * 1e6 / Math.Max(1, subscribers * trials.Count));
    }
}
