using System.Diagnostics;

namespace Meridian.LoadTest.Storm;

/// <summary>
/// Polls <c>/health/ready</c> every 10 ms (1 s deadline each) and reports each change between ready and not ready
/// with the Stopwatch timestamp of the answer that showed it.
/// </summary>
internal sealed class ReadyWatch(HttpClient http, Action<bool, long> changed)
{
    public async Task RunAsync(CancellationToken ct)
    {
        bool? ready = null;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(TimeSpan.FromSeconds(1));
                bool now;
                try
                {
                    await Http.SendAsync(http, HttpMethod.Get, "health/ready", null, deadline.Token);
                    now = true;
                }
                catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    now = false;
                }

                if (now != ready)
                {
                    ready = now;
                    changed(now, Stopwatch.GetTimestamp());
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
