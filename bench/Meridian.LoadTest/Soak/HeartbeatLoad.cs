namespace Meridian.LoadTest.Soak;

/// <summary>
/// A fleet of ephemeral instances (services of 100), registered once, then each beating over HTTP once per heartbeat
/// interval: instance i at i / rate seconds into every round, so the beats are spread evenly over the interval.
/// </summary>
internal sealed class HeartbeatLoad(HttpClient http, int pid, int instances, IntervalStats beats)
{
    private const string Prefix = "soak";

    public Task<Measurement> RegisterAsync(CancellationToken ct) =>
        Load.RunAsync(pid, 64, instances, TimeSpan.FromMinutes(2), async (i, _, c) =>
            await Http.SendAsync(http, HttpMethod.Post, MeridianTarget.Instances(Service(i)), MeridianTarget.Registration(i), c), ct);

    public Pacer Pacer(double perSecond) => new(perSecond, 512, async (i, ct) =>
    {
        var n = i % instances;
        var path = MeridianTarget.Instances(Service(n)) + "/" + Naming.InstanceId(n) + "/heartbeat";
        await beats.TimeAsync(c => Http.SendAsync(http, HttpMethod.Put, path, null, c), ct);
    });

    private string Service(long i) => Naming.Service(Prefix, i, Naming.Services(instances));
}
