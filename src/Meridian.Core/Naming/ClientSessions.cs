using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Naming;

/// <summary>An open stream of a client, as the session logic sees it: whichever protocol carries it.</summary>
public interface ISessionStream
{
    string StreamId { get; }

    /// <summary>Ends the stream from the server's side; the client reconnects if it is alive.</summary>
    void Close();
}

/// <summary>
/// Liveness kept by client connections. One session per client process, owned by this node: the instances a session
/// registers live as long as it does. A session outlives a dropped stream for a grace period, so a client that
/// reconnects in time resumes it and its instances never flap; otherwise the session ends and its instances go.
/// </summary>
public sealed partial class ClientSessions(RegistryCommands registry, TimeProvider time, IOptions<NodeOptions> node, ILogger<ClientSessions> logger)
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes the stream its client's current one, cancelling a pending release and closing a stale stream. Returns the
    /// owner id under which the stream registers instances.
    /// </summary>
    public string Attach(string clientId, ISessionStream stream)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentNullException.ThrowIfNull(stream);
        ISessionStream? replaced;
        string owner;
        while (true)
        {
            var session = _sessions.GetOrAdd(clientId, static (_, nodeId) => new Session(nodeId), node.Value.Id);
            lock (session.Gate)
            {
                if (session.Ended)
                {
                    continue;
                }

                replaced = session.Current;
                session.Current = stream;
                session.ReleaseTimer?.Dispose();
                session.ReleaseTimer = null;
                owner = session.Owner;
                break;
            }
        }

        if (replaced is not null && !ReferenceEquals(replaced, stream))
        {
            LogReplaced(clientId, replaced.StreamId, stream.StreamId);
            replaced.Close();
        }

        return owner;
    }

    /// <summary>Called when a stream ends; its instances go after <paramref name="grace"/> unless the client is back by then.</summary>
    public void Detach(string clientId, ISessionStream stream, TimeSpan grace)
    {
        if (!_sessions.TryGetValue(clientId, out var session))
        {
            return;
        }

        lock (session.Gate)
        {
            if (!ReferenceEquals(session.Current, stream))
            {
                return;
            }

            session.Current = null;
            session.Generation++;
            var release = new Release(this, clientId, session, session.Generation, grace);
            session.ReleaseTimer = time.CreateTimer(static state => ((Release)state!).Run(), release, grace, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task EndAsync(string clientId, Session session, int generation, TimeSpan grace)
    {
        lock (session.Gate)
        {
            // A timer disposed while already firing must not end a session that came back and dropped again since.
            if (session.Current is not null || session.Ended || session.Generation != generation)
            {
                return;
            }

            session.Ended = true;
            session.ReleaseTimer?.Dispose();
            session.ReleaseTimer = null;
            _sessions.TryRemove(new KeyValuePair<string, Session>(clientId, session));
        }

        // The owner is unique to this session, so a client that comes back after this point owns its new instances under
        // a new one and this release cannot touch them.
        try
        {
            var removed = await registry.ReleaseOwnerAsync(session.Owner, CancellationToken.None);
            LogReleased(clientId, removed, grace.TotalSeconds);
        }
        catch (Exception e) when (e is Validation.MeridianException)
        {
            LogReleaseFailed(e, clientId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} opened stream {NewStream}; closing its older stream {OldStream}")]
    private partial void LogReplaced(string clientId, string oldStream, string newStream);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} did not reconnect within {Grace:F1} s; removed its {Count} instance(s)")]
    private partial void LogReleased(string clientId, int count, double grace);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not remove the instances of client {ClientId}, whose connection is gone; they expire with their leases")]
    private partial void LogReleaseFailed(Exception exception, string clientId);

    private sealed class Session(string nodeId)
    {
        public Lock Gate { get; } = new();
        public string Owner { get; } = $"{nodeId}/{Guid.NewGuid():N}";
        public ISessionStream? Current { get; set; }
        public ITimer? ReleaseTimer { get; set; }
        public bool Ended { get; set; }
        public int Generation { get; set; }
    }

    private sealed class Release(ClientSessions sessions, string clientId, Session session, int generation, TimeSpan grace)
    {
        public void Run() => _ = sessions.EndAsync(clientId, session, generation, grace);
    }
}
