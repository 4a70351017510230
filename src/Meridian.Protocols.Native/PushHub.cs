using System.Collections.Concurrent;
using System.Threading.Channels;
using Meridian.Changes;
using Meridian.Config;
using Meridian.Naming;
using Meridian.Telemetry;

namespace Meridian.Protocols.Native;

/// <summary>
/// Fans registry changes out to subscribed connections. The registry's publisher only hands a change to a channel
/// (and only when someone listens); one loop turns it into a single frame and puts that same frame into each
/// subscriber's outbox. Subscriber lists are copy-on-write per topic, so fan-out reads them without a lock.
/// A resubscription that names the revision it holds is answered from the change log's window: nothing, a delta, or
/// the full snapshot when the window no longer reaches back that far.
/// </summary>
internal sealed partial class PushHub : BackgroundService, IServiceSubscriberSource
{
    /// <summary>Past this many changes since the client's revision, a full snapshot is cheaper to build than a delta.</summary>
    private const int MaxDeltaScan = 10_000;

    private readonly RegistryProjection _registry;
    private readonly ChangeLog _log;
    private readonly ILogger<PushHub> _logger;
    private readonly ConcurrentDictionary<PushTopic, Subscribers> _topics = new();
    private readonly Channel<(object Change, long AppliedAt)> _changes =
        Channel.CreateUnbounded<(object Change, long AppliedAt)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IDisposable _subscription;
    private readonly ConfigProjection? _configs;
    private readonly IDisposable? _configSubscription;
    private readonly ServerMetrics _metrics;
    private long _subscriptions;
    private readonly TimeProvider _time;

    /// <param name="configs">Absent when the server runs without the configuration center; config subscriptions are then refused.</param>
    public PushHub(RegistryProjection registry, ChangeLog log, ServerMetrics metrics, TimeProvider time, ILogger<PushHub> logger, ConfigProjection? configs = null)
    {
        _registry = registry;
        _metrics = metrics;
        _time = time;
        _log = log;
        _logger = logger;
        _subscription = registry.Changes.Subscribe(OnChange);
        _configs = configs;
        _configSubscription = configs?.Changes.Subscribe(OnConfigChange);
    }

    public bool PushesConfigs => _configs is not null;

    /// <param name="sinceRevision">The revision of the last push of this config the client applied: nothing is sent unless it changed since.</param>
    public void SubscribeConfig(ClientConnection connection, ConfigKey key, long? sinceRevision = null)
    {
        var topic = PushTopic.Config(key);
        var subscribers = connection.Subscriptions.Add(topic) ? Join(topic, connection) : Find(topic);
        var item = _configs!.Get(key);
        // A config's pushes carry its version; a delete's is the delete's own version, the key's last.
        var revision = item?.Version ?? _configs.LastVersionOf(key);
        if (sinceRevision is { } since && since >= revision)
        {
            return;
        }

        var frame = item is null
            ? PushMessages.MissingConfigFrame(key, revision)
            : subscribers?.FrameFor(item.Version, () => PushMessages.ConfigFrame(item, removed: false)) ?? PushMessages.ConfigFrame(item, removed: false);
        connection.Outbox.EnqueuePush(topic, frame);
    }

    /// <param name="sinceRevision">The revision of the list the client holds, if any: it then gets only what changed since.</param>
    public void SubscribeService(ClientConnection connection, ServiceKey key, long? sinceRevision = null)
    {
        var topic = PushTopic.Service(key);

        // Join first, then read the state: a change racing with the join is then pushed as well, never lost, and
        // the outbox keeps whichever of the two is newer. A repeat subscription still gets the state.
        var subscribers = connection.Subscriptions.Add(topic) ? Join(topic, connection) : Find(topic);
        var frame = sinceRevision is { } since ? Resume(key, since, subscribers) : CurrentFrame(key, subscribers);
        if (frame is not null)
        {
            connection.Outbox.EnqueuePush(topic, frame);
        }
    }

    public void Unsubscribe(ClientConnection connection, PushTopic topic)
    {
        if (connection.Subscriptions.Remove(topic))
        {
            Leave(topic, connection);
        }
    }

    public void UnsubscribeAll(ClientConnection connection)
    {
        foreach (var topic in connection.Subscriptions)
        {
            Leave(topic, connection);
        }

        connection.Subscriptions.Clear();
    }

    /// <summary>Subscriptions held by all connections together.</summary>
    public long Subscriptions => Volatile.Read(ref _subscriptions);

    /// <summary>The connections following a service, read from the topic's set: the fan-out is not touched.</summary>
    public void AddSubscribersOf(ServiceKey key, ICollection<ServiceSubscriber> into)
    {
        if (Find(PushTopic.Service(key)) is not { } subscribers)
        {
            return;
        }

        foreach (var (connection, since) in subscribers.Members.WithSince())
        {
            into.Add(new ServiceSubscriber(GrpcPeer.Address(connection.Peer), "grpc", connection.ClientId, connection.ClientName, since));
        }
    }

    /// <summary>How many connections listen to a topic; for tests and diagnostics.</summary>
    public int SubscriberCount(PushTopic topic) => Find(topic)?.Count ?? 0;

    public override void Dispose()
    {
        _subscription.Dispose();
        _configSubscription?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (change, appliedAt) in _changes.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                using var activity = _metrics.Activities.StartActivity("meridian.push");
                var (kind, reached) = change switch
                {
                    ServiceChange service => ("service", FanOut(service)),
                    ConfigChange config => ("config", FanOut(config)),
                    _ => ("", 0),
                };
                activity?.SetTag("meridian.subscribers", reached);
                _metrics.FannedOut(reached, _time.GetElapsedTime(appliedAt), kind);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFanOutFailed(_logger, e, change.ToString() ?? "");
            }
        }
    }

    private void OnChange(ServiceChange change)
    {
        // Runs on the change log's writer, once the change is applied: a dictionary lookup, then hand off.
        if (_topics.TryGetValue(PushTopic.Service(change.Key), out var subscribers) && !subscribers.IsEmpty)
        {
            _changes.Writer.TryWrite((change, _time.GetTimestamp()));
        }
    }

    private void OnConfigChange(ConfigChange change)
    {
        if (_topics.TryGetValue(PushTopic.Config(change.Key), out var subscribers) && !subscribers.IsEmpty)
        {
            _changes.Writer.TryWrite((change, _time.GetTimestamp()));
        }
    }

    /// <summary>Hands the change to every subscriber's outbox; returns how many.</summary>
    private int FanOut(ConfigChange change)
    {
        var topic = PushTopic.Config(change.Key);
        if (Find(topic) is not { } subscribers)
        {
            return 0;
        }

        var removed = change.Kind == ConfigChangeKind.Deleted;
        // A delete is one version past the last content it carries.
        var revision = removed ? change.Item.Version + 1 : change.Item.Version;
        var frame = subscribers.FrameFor(revision, () => PushMessages.ConfigFrame(change.Item, removed));
        var reached = 0;
        foreach (var connection in subscribers.Members)
        {
            connection.Outbox.EnqueuePush(topic, frame);
            reached++;
        }

        return reached;
    }

    private int FanOut(ServiceChange change)
    {
        var topic = PushTopic.Service(change.Key);
        if (Find(topic) is not { } subscribers)
        {
            return 0;
        }

        var frame = subscribers.FrameFor(change.Snapshot, change.Kind == ServiceChangeKind.Removed);
        var reached = 0;
        foreach (var connection in subscribers.Members)
        {
            connection.Outbox.EnqueuePush(topic, frame);
            reached++;
        }

        return reached;
    }

    private PushFrame CurrentFrame(ServiceKey key, Subscribers? subscribers)
    {
        var snapshot = _registry.GetService(key);
        if (snapshot is null)
        {
            return PushMessages.MissingServiceFrame(key, _log.Revision);
        }

        return subscribers?.FrameFor(snapshot, removed: false) ?? PushMessages.ServiceFrame(snapshot, removed: false);
    }

    /// <summary>What a client holding <paramref name="since"/> is missing: null when nothing, a delta, or the full state.</summary>
    private PushFrame? Resume(ServiceKey key, long since, Subscribers? subscribers)
    {
        if (since > _log.Revision)
        {
            // A revision this server never handed out (another cluster, a wiped store): only the full state is safe.
            return CurrentFrame(key, subscribers);
        }

        var changes = _log.Window.ReadAfter(since, change => Concerns(change, key), MaxDeltaScan);
        if (changes is null || changes.Any(c => c is ServiceRemoved))
        {
            return CurrentFrame(key, subscribers);
        }

        if (changes.Count == 0)
        {
            return null;
        }

        var snapshot = _registry.GetService(key);
        if (snapshot is null || snapshot.Revision != changes[^1].Revision)
        {
            // The service moved on (or went) while the window was read: the full state is as cheap and surely right.
            return CurrentFrame(key, subscribers);
        }

        return PushMessages.DeltaFrame(snapshot, since, changes);
    }

    private static bool Concerns(Change change, ServiceKey key) => change switch
    {
        InstanceSaved c => c.Key == key,
        InstanceRemoved c => c.Key == key,
        ServiceSaved c => c.Key == key,
        ServiceRemoved c => c.Key == key,
        _ => false,
    };

    private Subscribers? Find(PushTopic topic) => _topics.TryGetValue(topic, out var s) ? s : null;

    private Subscribers Join(PushTopic topic, ClientConnection connection)
    {
        Interlocked.Increment(ref _subscriptions);
        while (true)
        {
            var subscribers = _topics.GetOrAdd(topic, static _ => new Subscribers());
            lock (subscribers.Gate)
            {
                if (subscribers.Retired)
                {
                    continue;
                }

                subscribers.Add(connection, _time.GetUtcNow());
                return subscribers;
            }
        }
    }

    private void Leave(PushTopic topic, ClientConnection connection)
    {
        Interlocked.Decrement(ref _subscriptions);
        if (Find(topic) is not { } subscribers)
        {
            return;
        }

        lock (subscribers.Gate)
        {
            subscribers.Remove(connection);
            if (subscribers.IsEmpty)
            {
                subscribers.Retired = true;
                _topics.TryRemove(new KeyValuePair<PushTopic, Subscribers>(topic, subscribers));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not push {Change} to its subscribers; they get the next change or the state on reconnect. Report this with the exception")]
    private static partial void LogFanOutFailed(ILogger logger, Exception exception, string change);

    /// <summary>The connections listening to one topic, and the last frame built for it.</summary>
    private sealed class Subscribers
    {
        private PushFrame? _last;

        /// <summary>The connections: joined and left under its gate, read by the fan-out without a lock or a copy.</summary>
        public SubscriberSet<ClientConnection> Members { get; } = new();

        public Lock Gate => Members.Gate;

        public bool Retired
        {
            get => Members.Retired;
            set => Members.Retired = value;
        }

        public int Count => Members.Count;

        public bool IsEmpty => Members.IsEmpty;

        public void Add(ClientConnection connection, DateTimeOffset since) => Members.Add(connection, since);

        public void Remove(ClientConnection connection) => Members.Remove(connection);

        /// <summary>One frame per revision: the fan-out and any subscriber joining at that revision share it.</summary>
        public PushFrame FrameFor(ServiceSnapshot snapshot, bool removed) =>
            FrameFor(snapshot.Revision, () => PushMessages.ServiceFrame(snapshot, removed));

        public PushFrame FrameFor(long revision, Func<PushFrame> build)
        {
            var last = Volatile.Read(ref _last);
            if (last is not null && last.Revision == revision)
            {
                return last;
            }

            var frame = build();
            Volatile.Write(ref _last, frame);
            return frame;
        }
    }
}
