using System.Collections.Concurrent;

namespace Meridian.LoadTest.Soak;

/// <summary>
/// Registration churn: new ephemeral instances at a steady rate (services of 100 of their own), and as many
/// deregistrations of the oldest ones still registered once <paramref name="alive"/> are, so the churned set stays the
/// same size and each instance lives a few seconds (well inside the heartbeat timeout: churned instances do not beat).
/// </summary>
internal sealed class ChurnLoad(HttpClient http, int alive, IntervalStats registrations, IntervalStats deregistrations)
{
    private const string Prefix = "churn";
    private const int Services = 100;
    private readonly ConcurrentQueue<long> _registered = new();
    private long _idle;

    /// <summary>Deregistration slots that found too few instances registered (only while the set first fills up).</summary>
    public long Idle => Interlocked.Read(ref _idle);

    public Pacer Registrations(double perSecond) => new(perSecond, 256, async (k, ct) =>
    {
        var path = MeridianTarget.Instances(Naming.Service(Prefix, k, Services));
        if (await registrations.TimeAsync(c => Http.SendAsync(http, HttpMethod.Post, path, MeridianTarget.Registration(k), c), ct))
        {
            _registered.Enqueue(k);
        }
    });

    public Pacer Deregistrations(double perSecond) => new(perSecond, 256, async (_, ct) =>
    {
        if (_registered.Count <= alive || !_registered.TryDequeue(out var k))
        {
            Interlocked.Increment(ref _idle);
            return;
        }

        var path = MeridianTarget.Instances(Naming.Service(Prefix, k, Services)) + "/" + Naming.InstanceId(k);
        await deregistrations.TimeAsync(c => Http.SendAsync(http, HttpMethod.Delete, path, null, c), ct);
    });
}
