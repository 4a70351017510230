namespace Meridian.Client.Connection;

/// <summary>
/// Exponential reconnect delays with jitter: after n failures, a random delay in [d/2, d] with d = min · 2^(n−1),
/// capped. The jitter keeps a fleet that lost its server from reconnecting in lockstep.
/// </summary>
internal static class Backoff
{
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max)
    {
        var exponent = Math.Clamp(failures - 1, 0, 20);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2;
        return TimeSpan.FromMilliseconds(jittered);
    }
}
