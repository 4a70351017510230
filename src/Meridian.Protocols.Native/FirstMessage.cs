using Grpc.Core;

namespace Meridian.Protocols.Native;

/// <summary>The first message of a client stream, which must come within a deadline (Hello, a Nacos connection setup).</summary>
public static class FirstMessage
{
    /// <summary>
    /// Moves to the stream's first message; false when the client ended the stream first. A client silent past
    /// <paramref name="timeout"/> is refused with DeadlineExceeded and <paramref name="expected"/> in the message.
    /// </summary>
    public static async Task<bool> ReadAsync<T>(IAsyncStreamReader<T> requests, TimeSpan timeout, string expected, CancellationToken aborted)
    {
        ArgumentNullException.ThrowIfNull(requests);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(timeout);
        try
        {
            return await requests.MoveNext(deadline.Token);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"No {expected} within {timeout.TotalSeconds:F0} s; send it as the first message on the stream."));
        }
    }
}
