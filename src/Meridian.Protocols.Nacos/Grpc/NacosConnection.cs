using System.Collections.Concurrent;
using Google.Protobuf;
using Meridian.Naming;
using Meridian.Protocols.Nacos.Grpc.Wire;
using Meridian.Protocols.Native;

namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>
/// One Nacos client connection: an HTTP/2 connection whose bi-stream sent <c>ConnectionSetupRequest</c>. Its unary
/// requests arrive on other streams of the same HTTP/2 connection, so the transport's connection id names it, as the
/// id <c>ServerCheckRequest</c> hands out. Pushes wait for the client's ack and are sent again until it comes.
/// </summary>
internal sealed class NacosConnection : ISessionStream, IDisposable
{
    private readonly CancellationTokenSource _closed;
    private readonly Lock _gate = new();
    private readonly Dictionary<PushTopic, Unacked> _unacked = [];
    private readonly Dictionary<string, PushTopic> _topicOf = new(StringComparer.Ordinal);
    private long _lastHeard;

    public NacosConnection(string id, string peer, string clientVersion, string appName, int maxPendingReplies, long now, CancellationToken aborted)
    {
        Id = id;
        Peer = peer;
        ClientVersion = clientVersion;
        AppName = appName;
        Outbox = new Outbox(maxPendingReplies);
        _closed = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _lastHeard = now;
    }

    /// <summary>The connection id clients see (ServerCheckResponse.connectionId).</summary>
    public string Id { get; }

    public string StreamId => Id;

    /// <summary>Each connection is a session of its own: a Nacos client re-registers over its new connection after a reconnect.</summary>
    public string SessionKey => "nacos:" + Id;

    public string Peer { get; }
    public string ClientVersion { get; }
    public string AppName { get; }
    public Outbox Outbox { get; }

    /// <summary>The last frame to write (ConnectResetRequest on shutdown): the stream closes once it is out.</summary>
    public PushFrame? FinalFrame { get => Volatile.Read(ref field); set => Volatile.Write(ref field, value); }

    /// <summary>Who owns this connection's ephemeral instances in the registry; set when the session attaches it.</summary>
    public string LeaseOwner { get; set; } = "";

    /// <summary>Services and configs this connection follows, with the tenant spelling it used for configs.</summary>
    public ConcurrentDictionary<PushTopic, string> Subscriptions { get; } = new();

    public CancellationToken Closed => _closed.Token;

    public long LastHeard => Volatile.Read(ref _lastHeard);

    public void Heard(long timestamp) => Volatile.Write(ref _lastHeard, timestamp);

    /// <summary>Sends a reply or a server request now, closing the connection if the client stopped reading.</summary>
    public void Send(Payload payload)
    {
        if (!Outbox.TryEnqueueReply(new PushFrame(payload.ToByteArray(), 0)))
        {
            Close();
        }
    }

    /// <summary>Queues a push (coalesced per topic, newest wins) and remembers it until the client acks its request id.</summary>
    public void Push(PushTopic topic, PushFrame frame, string requestId, long now)
    {
        lock (_gate)
        {
            if (_unacked.TryGetValue(topic, out var pending))
            {
                if (pending.Frame.Revision > frame.Revision)
                {
                    return;
                }

                _topicOf.Remove(pending.RequestId);
            }

            _unacked[topic] = new Unacked(frame, requestId, now, 1);
            _topicOf[requestId] = topic;
        }

        Outbox.EnqueuePush(topic, frame);
    }

    /// <summary>The client answered a push; true when it was one still waiting.</summary>
    public bool Acked(string requestId)
    {
        lock (_gate)
        {
            if (!_topicOf.Remove(requestId, out var topic))
            {
                return false;
            }

            _unacked.Remove(topic);
            return true;
        }
    }

    /// <summary>Sends again every push unanswered for <paramref name="timeout"/>; gives up on one after <paramref name="attempts"/> sends.</summary>
    public int ResendUnacked(long now, TimeSpan timeout, int attempts, TimeProvider time)
    {
        List<PushTopic>? due = null;
        List<(PushTopic Topic, PushFrame Frame)>? resend = null;
        lock (_gate)
        {
            foreach (var (topic, pending) in _unacked)
            {
                if (time.GetElapsedTime(pending.SentAt, now) >= timeout)
                {
                    (due ??= []).Add(topic);
                }
            }

            foreach (var topic in due ?? [])
            {
                var pending = _unacked[topic];
                if (pending.Attempts >= attempts)
                {
                    _unacked.Remove(topic);
                    _topicOf.Remove(pending.RequestId);
                    continue;
                }

                _unacked[topic] = pending with { SentAt = now, Attempts = pending.Attempts + 1 };
                (resend ??= []).Add((topic, pending.Frame));
            }
        }

        foreach (var (topic, frame) in resend ?? [])
        {
            Outbox.EnqueuePush(topic, frame);
        }

        return resend?.Count ?? 0;
    }

    public int UnackedCount
    {
        get
        {
            lock (_gate)
            {
                return _unacked.Count;
            }
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

    private readonly record struct Unacked(PushFrame Frame, string RequestId, long SentAt, int Attempts);
}
