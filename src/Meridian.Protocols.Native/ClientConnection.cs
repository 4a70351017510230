using Meridian.Auth;
using Meridian.Contracts.V1;
using Meridian.Naming;

namespace Meridian.Protocols.Native;

/// <summary>One open stream from one client process.</summary>
internal sealed class ClientConnection : ISessionStream, IDisposable
{
    private readonly CancellationTokenSource _closed;
    private long _lastHeard;

    /// <param name="serverStopping">Ends the stream when the server shuts down, so clients move to another server at
    /// once instead of holding the shutdown until its timeout.</param>
    public ClientConnection(
        string clientId, string clientName, string peer, Caller caller, int maxPendingReplies, long now, CancellationToken callAborted,
        CancellationToken serverStopping = default)
    {
        ClientId = clientId;
        Caller = caller;
        SessionKey = $"{caller.Name}:{clientId}";
        ClientName = clientName;
        Peer = peer;
        StreamId = Guid.NewGuid().ToString("N");
        Outbox = new Outbox(maxPendingReplies);
        _closed = CancellationTokenSource.CreateLinkedTokenSource(callAborted, serverStopping);
        _lastHeard = now;
    }

    public string ClientId { get; }

    /// <summary>
    /// Who opened the stream, as the directory last confirmed it; every operation on it is checked against this caller.
    /// Only the connection's read loop replaces it (after a role change).
    /// </summary>
    public Caller Caller { get; set; }

    /// <summary>The directory generation <see cref="Caller"/> was confirmed at.</summary>
    public long CallerGeneration { get; set; }

    /// <summary>A session is its caller's own: another caller that reuses the client id gets a session of its own, not this one.</summary>
    public string SessionKey { get; }
    public string ClientName { get; }
    public string Peer { get; }

    /// <summary>Unique per stream, for logs: a client keeps its id across reconnects.</summary>
    public string StreamId { get; }

    public Outbox Outbox { get; }

    /// <summary>Who owns this connection's instances in the registry; set when the session attaches it.</summary>
    public string LeaseOwner { get; set; } = "";

    /// <summary>Topics this connection subscribed to. Only the connection's own read loop and its cleanup touch it.</summary>
    public HashSet<PushTopic> Subscriptions { get; } = [];

    public CancellationToken Closed => _closed.Token;

    public long LastHeard => Volatile.Read(ref _lastHeard);

    public void Heard(long timestamp) => Volatile.Write(ref _lastHeard, timestamp);

    /// <summary>Queues a reply, closing the connection if the client stopped reading.</summary>
    public void Reply(ServerMessage message)
    {
        if (!Outbox.TryEnqueueReply(PushFrame.Of(message)))
        {
            Close();
        }
    }

    public void Close()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already torn down.
        }
    }

    public void Dispose() => _closed.Dispose();
}
