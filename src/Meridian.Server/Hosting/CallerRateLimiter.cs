using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using Meridian.Limits;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Hosting;

/// <summary>
/// One token bucket per caller, for ASP.NET Core's rate limiting middleware: a caller is a credential (user or access
/// key) at one address, so a fleet sharing one key is not one caller, and one runaway process is. Buckets live in a concurrent map, so callers never wait on each other; one timer refills them
/// all and drops those idle for a while. Health probes are never limited.
/// </summary>
internal sealed class CallerRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<(string? Name, IPAddress? Address), Bucket> _buckets = new();
    private readonly TokenBucketRateLimiterOptions _options;
    private readonly TimeProvider _time;
    private readonly ITimer _refill;

    public CallerRateLimiter(IOptions<LimitOptions> limits, TimeProvider time)
    {
        var settings = limits.Value;
        _time = time;
        _options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.RequestBurstPerCaller,
            // Refilled by the timer below, a tenth of the rate each time (the options ask for 10/s at least).
            TokensPerPeriod = Math.Max(1, (int)Math.Round(settings.RequestsPerSecondPerCaller * Period.TotalSeconds)),
            ReplenishmentPeriod = Period,
            AutoReplenishment = false,
            QueueLimit = 0,
        };
        _refill = time.CreateTimer(_ => Refill(), null, Period, Period);
    }

    /// <summary>The bucket's key: nothing is allocated per request.</summary>
    private static (string? Name, IPAddress? Address) KeyOf(HttpContext context) =>
        (context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : null, context.Connection.RemoteIpAddress);

    /// <summary>The caller as a refusal names it.</summary>
    public static string Describe(HttpContext context)
    {
        var (name, address) = KeyOf(context);
        var at = address?.ToString() ?? "an unknown address";
        return name is null ? at : $"'{name}' from {at}";
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        Exempt(resource) ? Unlimited.Lease : BucketOf(resource).Limiter.AttemptAcquire(permitCount);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _refill.Dispose();
            foreach (var bucket in _buckets.Values)
            {
                bucket.Limiter.Dispose();
            }
        }
    }

    private static bool Exempt(HttpContext context) => context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);

    private Bucket BucketOf(HttpContext context)
    {
        var bucket = _buckets.GetOrAdd(KeyOf(context), static (_, options) => new Bucket(new TokenBucketRateLimiter(options)), _options);
        bucket.LastUsed = _time.GetTimestamp();
        return bucket;
    }

    private void Refill()
    {
        foreach (var (caller, bucket) in _buckets)
        {
            bucket.Limiter.TryReplenish();
            if (_time.GetElapsedTime(bucket.LastUsed) > IdleAfter && _buckets.TryRemove(new KeyValuePair<(string?, IPAddress?), Bucket>(caller, bucket)))
            {
                bucket.Limiter.Dispose();
            }
        }
    }

    private sealed class Bucket(TokenBucketRateLimiter limiter)
    {
        public TokenBucketRateLimiter Limiter { get; } = limiter;

        public long LastUsed { get; set; }
    }

    private sealed class Unlimited : RateLimitLease
    {
        public static readonly Unlimited Lease = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
