using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Meridian.LoadTest.Soak;

/// <summary>
/// Native long-poll listeners (<c>POST /v1/configs/listener</c>), each on its own connection, holding one of the
/// listened configs and re-armed with the new md5 as soon as it answers. A change is timed from the start of the
/// publish that made it until the listener had the answer; a hold that ends without a change is counted, not timed.
/// </summary>
internal sealed class ConfigListeners(HttpClient http, ListenedConfigs configs, int listeners, TimeSpan hold, IntervalStats notified)
{
    private long _quietAnswers;

    /// <summary>Holds that ended at their timeout without a change.</summary>
    public long QuietAnswers => Interlocked.Read(ref _quietAnswers);

    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, listeners).Select(j => Task.Run(() => ListenAsync(j, ct), CancellationToken.None)));

    private async Task ListenAsync(int listener, CancellationToken ct)
    {
        var config = listener % configs.Count;
        var md5 = configs.InitialMd5(config);
        var clientId = string.Create(CultureInfo.InvariantCulture, $"soak-listener-{listener}");
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var body = Http.Json(string.Create(CultureInfo.InvariantCulture,
                    $$"""{"timeoutMs":{{(long)hold.TotalMilliseconds}},"clientId":"{{clientId}}","keys":[{"namespace":"public","group":"DEFAULT_GROUP","dataId":"{{configs.DataIds[config]}}","md5":"{{md5}}"}]}"""));
                var answer = await Http.SendAsync(http, HttpMethod.Post, "v1/configs/listener", body, ct);
                var now = Stopwatch.GetTimestamp();
                if (ChangedMd5(answer) is { } changed)
                {
                    md5 = changed;
                    var publishedAt = configs.PublishedAt(config);
                    if (publishedAt != 0)
                    {
                        notified.RecordMicros((long)((now - publishedAt) * 1_000_000.0 / Stopwatch.Frequency));
                    }
                }
                else
                {
                    Interlocked.Increment(ref _quietAnswers);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                notified.Error(e);
                // A refused or failed poll is retried a second later, as a client would, not in a tight loop.
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static string? ChangedMd5(byte[] answer)
    {
        using var doc = JsonDocument.Parse(answer);
        var changed = doc.RootElement.GetProperty("changed");
        return changed.GetArrayLength() == 0 ? null : changed[0].GetProperty("md5").GetString();
    }
}
