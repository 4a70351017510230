using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Meridian.LoadTest.Soak;

/// <summary>
/// The configs the listeners hold and the publisher changes, one after the other: each remembers when its latest
/// publish started, which is what a listener's notification is timed from.
/// </summary>
internal sealed class ListenedConfigs
{
    private readonly long[] _publishedAt;
    private readonly string[] _initialMd5;

    private ListenedConfigs(string[] dataIds, string[] md5s)
    {
        DataIds = dataIds;
        _initialMd5 = md5s;
        _publishedAt = new long[dataIds.Length];
    }

    public IReadOnlyList<string> DataIds { get; }

    public int Count => DataIds.Count;

    /// <summary>Publishes each config once, so every listener starts from content it holds.</summary>
    public static async Task<ListenedConfigs> CreateAsync(HttpClient http, int count, CancellationToken ct)
    {
        var ids = Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"soak-listened-{i}")).ToArray();
        var md5s = new string[count];
        for (var i = 0; i < count; i++)
        {
            var body = await Http.SendAsync(http, HttpMethod.Put, MeridianTarget.Config(ids[i]), MeridianTarget.PublishBody(Naming.ConfigContent(0, 256)), ct);
            using var doc = JsonDocument.Parse(body);
            md5s[i] = doc.RootElement.GetProperty("md5").GetString() ?? throw new InvalidOperationException("The publish answer has no md5.");
        }

        return new ListenedConfigs(ids, md5s);
    }

    public string InitialMd5(int config) => _initialMd5[config];

    public void Publishing(int config) => Volatile.Write(ref _publishedAt[config], Stopwatch.GetTimestamp());

    /// <summary>When the config's latest publish started; 0 before its first.</summary>
    public long PublishedAt(int config) => Volatile.Read(ref _publishedAt[config]);

    /// <summary>Waits until the server holds <paramref name="expected"/> long-polls over all the configs (up to 90 s).</summary>
    public async Task WaitForListenersAsync(HttpClient http, int expected, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var held = 0;
            foreach (var id in DataIds)
            {
                var body = await Http.SendAsync(http, HttpMethod.Get, MeridianTarget.Config(id) + "/listeners", null, ct);
                using var doc = JsonDocument.Parse(body);
                held += doc.RootElement.GetArrayLength();
            }

            if (held >= expected)
            {
                return;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"Only {held} of {expected} long-polls were held after 90 s.");
            }

            await Task.Delay(200, ct);
        }
    }
}
