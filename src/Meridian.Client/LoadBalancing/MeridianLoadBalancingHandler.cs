using System.Net;
using Meridian.Client.Discovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Client.LoadBalancing;

/// <summary>
/// Sends one attempt of <c>http://&lt;service&gt;/path</c> to an instance of that service chosen by its rule,
/// rewriting only the request's host and port, and records the instance on the request so a retry (the resilience
/// handler outside this one, see <see cref="MeridianResiliencePipeline"/>) picks another. An instance that cannot be
/// connected to becomes suspect for the cool-down. IP literals pass through untouched.
/// </summary>
internal sealed partial class MeridianLoadBalancingHandler(
    MeridianLoadBalancer balancer,
    IOptions<MeridianClientOptions> options,
    Telemetry.ClientMetrics metrics,
    ILogger<MeridianLoadBalancingHandler> logger) : DelegatingHandler
{
    private readonly bool _retries = options.Value.LoadBalancing.MaxAttempts > 1;
    private readonly double _cooldownSeconds = options.Value.LoadBalancing.FailureCooldown.TotalSeconds;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri;
        if (original is null || !original.IsAbsoluteUri || original.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var service = await balancer.ResolveAsync(original.IdnHost, cancellationToken);
        var tried = TriedInstances.Of(request);
        var index = balancer.Pick(service, tried, out var set);
        if (index < 0)
        {
            var registered = service.Current.All.Count;
            LogNoInstance(logger, original.IdnHost, registered, tried?.Count ?? 0);
            metrics.NoInstance(original.IdnHost);
            throw new HttpRequestException(
                $"No instance of service '{original.IdnHost}' can take traffic ({registered} registered, {tried?.Count ?? 0} already tried by this call; " +
                "the others are unhealthy, disabled or weighted 0). Check that the service is running and registered in the same namespace and group.",
                null,
                HttpStatusCode.ServiceUnavailable);
        }

        var instance = set.Items[index];
        var stats = set.Stats[index];
        if (_retries)
        {
            (tried ?? TriedInstances.For(request, service)).Add(instance);
        }

        request.RequestUri = Rewrite(original, instance);
        stats.Started();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            stats.Answered();
            return response;
        }
        catch (HttpRequestException e) when (RetryRule.IsConnectFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            balancer.Suspect(stats);
            LogSuspect(logger, original.IdnHost, instance.Host, instance.Port, instance.Cluster, e.Message, _cooldownSeconds);
            throw;
        }
        finally
        {
            stats.Finished();
            request.RequestUri = original;
        }
    }

    private static Uri Rewrite(Uri original, ServiceInstance instance)
    {
        var builder = new UriBuilder(original)
        {
            Host = instance.Host.Contains(':', StringComparison.Ordinal) ? $"[{instance.Host}]" : instance.Host,
            Port = instance.Port,
        };
        return builder.Uri;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service}: no instance can take this call ({Registered} registered, {Tried} tried by it). Check the service's health, weights and enabled flags in Meridian")]
    private static partial void LogNoInstance(ILogger logger, string service, int registered, int tried);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service}: could not connect to instance {Host}:{Port} ({Cluster}): {Reason}. The call moves on to another, and later calls avoid this one for {Seconds:F0} s or until it answers")]
    private static partial void LogSuspect(ILogger logger, string service, string host, int port, string cluster, string reason, double seconds);
}
