using System.Net.Sockets;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Meridian.Client.LoadBalancing;

/// <summary>
/// Which failed attempts a balanced call retries on another instance. A connection that could not be made (refused,
/// unreachable, connect timed out) is retried whatever the method: nothing reached the instance. Any other transient
/// failure (a 5xx, 408 or 429 answer, a connection lost mid-call, an attempt timeout) is retried only for idempotent
/// methods (GET, HEAD, OPTIONS, TRACE, PUT, DELETE), since the instance may have acted on the request already. A call
/// is never retried on an instance it already tried, so it stops early when the service has no untried instance left.
/// </summary>
internal static class RetryRule
{
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request)
    {
        if (request is null || TriedInstances.Of(request) is not { } tried || !MeridianLoadBalancer.HasUntried(tried))
        {
            return false;
        }

        return IsConnectFailure(outcome.Exception) || (IsIdempotent(request.Method) && HttpClientResiliencePredicates.IsTransient(outcome));
    }

    /// <summary>Failures before anything reached the instance: refused, unreachable, name not resolved, connect timed out.</summary>
    public static bool IsConnectFailure(Exception? exception) =>
        exception is HttpRequestException e &&
        (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError ||
         e.InnerException is SocketException
         {
             SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable
                 or SocketError.HostNotFound or SocketError.TimedOut or SocketError.AddressNotAvailable,
         });

    public static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace ||
        method == HttpMethod.Put || method == HttpMethod.Delete;
}
