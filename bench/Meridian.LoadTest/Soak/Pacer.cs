using System.Diagnostics;

namespace Meridian.LoadTest.Soak;

/// <summary>
/// Starts operations at a steady rate, open loop: every 5 ms it starts the ones whose time has come (2,000/s is ten
/// per tick, not a burst per second), whether or not earlier ones have answered, up to <paramref name="maxInFlight"/>
/// at once. When that many are outstanding the rest wait for the next tick and <see cref="Saturated"/> counts the
/// tick, so a server that falls behind shows as a lower achieved rate rather than unbounded queueing.
/// </summary>
/// <param name="operation">Must record its own failures; an exception it lets through is counted in <see cref="Faults"/>.</param>
internal sealed class Pacer(double perSecond, int maxInFlight, Func<long, CancellationToken, Task> operation)
{
    private long _saturated;
    private long _faults;

    public long Saturated => Interlocked.Read(ref _saturated);

    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Runs until <paramref name="ct"/> is cancelled, then waits for the operations in flight.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        var start = Stopwatch.GetTimestamp();
        long started = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond);
                while (started < due)
                {
                    if (!slots.Wait(0, CancellationToken.None))
                    {
                        Interlocked.Increment(ref _saturated);
                        break;
                    }

                    _ = RunOneAsync(started++, slots, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        // Drained: every slot back means nothing is in flight any more (waiting 30 s at most in all).
        var draining = Stopwatch.StartNew();
        for (var i = 0; i < maxInFlight; i++)
        {
            var left = TimeSpan.FromSeconds(30) - draining.Elapsed;
            if (left <= TimeSpan.Zero || !await slots.WaitAsync(left, CancellationToken.None))
            {
                return;
            }
        }
    }

    private async Task RunOneAsync(long i, SemaphoreSlim slots, CancellationToken ct)
    {
        try
        {
            await operation(i, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _faults);
        }
        finally
        {
            slots.Release();
        }
    }
}
