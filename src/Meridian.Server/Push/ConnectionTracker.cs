using System.Collections.Concurrent;
using Meridian.Naming;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Push;

/// <summary>
/// Keeps one session per client process. A session outlives a dropped stream for the grace period: a client that
/// reconnects in time resumes it and its instances never flap; otherwise the session ends and its instances go.
/// </summary>
internal sealed partial class ConnectionTracker(
    ServiceRegistry registry,
    TimeProvider time,
    IOptions<ConnectionOptions> options,
    ILogger<ConnectionTracker> logger)
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public int LiveConnections => _sessions.Values.Count(s => s.Current is not null);

    /// <summary>Makes the connection its client's current one, cancelling a pending release and closing a stale stream.</summary>
    public void Attach(ClientConnection connection)
    {
        ClientConnection? replaced;
        while (true)
        {
            var session = _sessions.GetOrAdd(connection.ClientId, static _ => new Session());
            lock (session.Gate)
            {
                if (session.Ended)
                {
                    continue;
                }

                replaced = session.Current;
                session.Current = connection;
                session.ReleaseTimer?.Dispose();
                session.ReleaseTimer = null;
                connection.LeaseOwner = session.LeaseOwner;
                break;
            }
        }

        if (replaced is not null)
        {
            LogReplaced(logger, connection.ClientId, replaced.StreamId, connection.StreamId);
            replaced.Close();
        }
    }

    /// <summary>Called when a stream ends; its instances go after the grace unless the client is back by then.</summary>
    public void Detach(ClientConnection connection)
    {
        if (!_sessions.TryGetValue(connection.ClientId, out var session))
        {
            return;
        }

        lock (session.Gate)
        {
            if (!ReferenceEquals(session.Current, connection))
            {
                return;
            }

            session.Current = null;
            session.Generation++;
            var release = new Release(this, connection.ClientId, session, session.Generation);
            session.ReleaseTimer = time.CreateTimer(static state => ((Release)state!).Run(), release, options.Value.Grace, Timeout.InfiniteTimeSpan);
        }
    }

    private void End(string clientId, Session session, int generation)
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
        var removed = registry.ReleaseConnection(session.LeaseOwner);
        LogReleased(logger, clientId, removed, options.Value.Grace.TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} opened stream {NewStream}; closing its older stream {OldStream}")]
    private static partial void LogReplaced(ILogger logger, string clientId, string oldStream, string newStream);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} did not reconnect within {Grace:F1} s; removed its {Count} instance(s)")]
    private static partial void LogReleased(ILogger logger, string clientId, int count, double grace);

    private sealed class Session
    {
        public Lock Gate { get; } = new();
        public string LeaseOwner { get; } = Guid.NewGuid().ToString("N");
        public ClientConnection? Current { get; set; }
        public ITimer? ReleaseTimer { get; set; }
        public bool Ended { get; set; }
        public int Generation { get; set; }
    }

    private sealed class Release(ConnectionTracker tracker, string clientId, Session session, int generation)
    {
        public void Run() => tracker.End(clientId, session, generation);
    }
}
