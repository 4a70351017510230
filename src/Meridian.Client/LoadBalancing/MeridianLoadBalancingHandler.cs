using System.Net;
using System.Net.Sockets;
using Meridian.Client.Discovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Client.LoadBalancing;

/// <summary>
/// Sends <c>http://&lt;service&gt;/path</c> to an instance of that service chosen by its rule, rewriting only the
/// request's host and port. A connection an instance refuses is retried on another (nothing reached the app, so
/// any method is safe to resend). IP literals pass through untouched.
/// </summary>
internal sealed partial class MeridianLoadBalancingHandler(
    MeridianLoadBalancer balancer,
    IOptions<MeridianClientOptions> options,
    ILogger<MeridianLoadBalancingHandler> logger) : DelegatingHandler
{
    private readonly int _maxAttempts = options.Value.LoadBalancing.MaxAttempts;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri;
        if (original is null || !original.IsAbsoluteUri || original.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var service = await balancer.ResolveAsync(original.IdnHost, cancellationToken);
        var tried = default(TriedInstances);
        HttpRequestException? refused = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var index = balancer.Pick(service, tried, out var set);
                if (index < 0 && refused is not null)
                {
                    LogGaveUp(logger, refused, original.IdnHost, attempt - 1);
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(refused);
                }

                if (index < 0)
                {
                    LogNoInstance(logger, original.IdnHost, service.Current.All.Count);
                    throw new HttpRequestException(
                        $"No instance of service '{original.IdnHost}' can take traffic ({service.Current.All.Count} registered, none healthy, enabled and weighted above 0). " +
                        "Check that the service is running and registered in the same namespace and group.",
                        null,
                        HttpStatusCode.ServiceUnavailable);
                }

                var instance = set.Items[index];
                var stats = set.Stats[index];
                request.RequestUri = Rewrite(original, instance);
                stats.Started();
                try
                {
                    var response = await base.SendAsync(request, cancellationToken);
                    stats.Recovered();
                    return response;
                }
                catch (HttpRequestException e) when (IsConnectFailure(e) && !cancellationToken.IsCancellationRequested)
                {
                    balancer.Refused(stats);
                    tried.Add(instance);
                    refused = e;
                    if (attempt >= _maxAttempts)
                    {
                        LogGaveUp(logger, e, original.IdnHost, attempt);
                        throw;
                    }

                    LogRetrying(logger, original.IdnHost, instance.Host, instance.Port, e.Message);
                }
                finally
                {
                    stats.Finished();
                }
            }
        }
        finally
        {
            request.RequestUri = original;
        }
    }

    /// <summary>Failures before anything reached the instance: refused, unreachable, reset while connecting.</summary>
    private static bool IsConnectFailure(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError ||
        e.InnerException is SocketException;

    private static Uri Rewrite(Uri original, ServiceInstance instance)
    {
        var builder = new UriBuilder(original)
        {
            Host = instance.Host.Contains(':', StringComparison.Ordinal) ? $"[{instance.Host}]" : instance.Host,
            Port = instance.Port,
        };
        return builder.Uri;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service}: no instance can take traffic ({Registered} registered). Check the service's health, weights and enabled flags in Meridian")]
    private static partial void LogNoInstance(ILogger logger, string service, int registered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service}: instance {Host}:{Port} refused the connection ({Reason}); retrying on another and avoiding it for the cool-down")]
    private static partial void LogRetrying(ILogger logger, string service, string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Service}: could not connect to any instance after {Attempts} attempt(s). Check that the instances are up and reachable from here; their registered addresses may be wrong (see Meridian:Ip)")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string service, int attempts);
}
