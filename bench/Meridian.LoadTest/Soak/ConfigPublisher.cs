using System.Globalization;

namespace Meridian.LoadTest.Soak;

/// <summary>Durable publishes at a steady rate, round the listened configs, each with new content.</summary>
internal sealed class ConfigPublisher(HttpClient http, ListenedConfigs configs, IntervalStats publishes)
{
    public Pacer Pacer(double perSecond) => new(perSecond, 8, async (n, ct) =>
    {
        var config = (int)(n % configs.Count);
        var body = MeridianTarget.PublishBody(Naming.ConfigContent(n + 1, 256));
        configs.Publishing(config);
        await publishes.TimeAsync(c => Http.SendAsync(http, HttpMethod.Put, MeridianTarget.Config(configs.DataIds[config]), body, c), ct);
    });

    public static string Describe(double perSecond, int configs) =>
        string.Create(CultureInfo.InvariantCulture, $"{perSecond:0.##} publish/s round {configs} configs");
}
