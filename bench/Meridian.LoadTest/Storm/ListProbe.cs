using System.Diagnostics;

namespace Meridian.LoadTest.Storm;

/// <summary>One probe request: when it was sent (Stopwatch timestamp), how long it took, and why it failed (null: it did not).</summary>
internal readonly record struct ProbeResult(long SentAt, long Micros, string? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// A GET of an instance list every 50 ms, each on its own 2 s deadline, sent whether or not the previous one answered
/// (open loop), so a server that stalls shows as slow or failed probes rather than as fewer of them.
/// </summary>
internal sealed class ListProbe(HttpClient http, string path, Action<ProbeResult> completed)
{
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var inFlight = new List<Task>();
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                inFlight.RemoveAll(t => t.IsCompleted);
                inFlight.Add(ProbeAsync());
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        await Task.WhenAll(inFlight);
    }

    private async Task ProbeAsync()
    {
        var sent = Stopwatch.GetTimestamp();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        string? error = null;
        try
        {
            await Http.SendAsync(http, HttpMethod.Get, path, null, deadline.Token);
        }
        catch (HttpRequestException e)
        {
            error = e.StatusCode is { } status ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) : "connect: " + e.HttpRequestError;
        }
        catch (OperationCanceledException)
        {
            error = "timeout (2 s)";
        }
        catch (IOException)
        {
            error = "connection lost";
        }

        completed(new ProbeResult(sent, (long)Stopwatch.GetElapsedTime(sent).TotalMicroseconds, error));
    }
}
