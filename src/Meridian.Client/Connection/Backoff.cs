namespace Meridian.Client.Connection;

/// <summary>
/// Exponential reconnect delays with full jitter: after n failures, a random delay in [0, d] with d = min · 2^(n−1),
/// capped. The jitter spreads a fleet that lost its server over the whole window, so it does not reconnect in lockstep
/// when the server answers again, and a low cap brings each client back soon after.
/// </summary>
internal static class Backoff
{
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max)
    {
        var exponent = Math.Clamp(failures - 1, 0, 20);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}
