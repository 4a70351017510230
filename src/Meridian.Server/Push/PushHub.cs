using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using Meridian.Config;
using Meridian.Naming;

namespace Meridian.Server.Push;

/// <summary>
/// Fans registry changes out to subscribed connections. The registry's publisher only hands a change to a channel
/// (and only when someone listens); one loop turns it into a single frame and puts that same frame into each
/// subscriber's outbox. Subscriber lists are copy-on-write per topic, so fan-out reads them without a lock.
/// </summary>
internal sealed partial class PushHub : BackgroundService
{
    private readonly ServiceRegistry _registry;
    private readonly RevisionClock _revisions;
    private readonly ILogger<PushHub> _logger;
    private readonly ConcurrentDictionary<PushTopic, Subscribers> _topics = new();
    private readonly Channel<object> _changes = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IDisposable _subscription;
    private readonly ConfigService? _configs;
    private readonly IDisposable? _configSubscription;

    /// <param name="configs">Absent when the server runs without the configuration center; config subscriptions are then refused.</param>
    public PushHub(ServiceRegistry registry, RevisionClock revisions, ILogger<PushHub> logger, ConfigService? configs = null)
    {
        _registry = registry;
        _revisions = revisions;
        _logger = logger;
        _subscription = registry.Changes.Subscribe(OnChange);
        _configs = configs;
        _configSubscription = configs?.Changes.Subscribe(OnConfigChange);
    }

    public bool PushesConfigs => _configs is not null;

    public void SubscribeConfig(ClientConnection connection, ConfigKey key)
    {
        var topic = PushTopic.Config(key);
        var subscribers = connection.Subscriptions.Add(topic) ? Join(topic, connection) : Find(topic);
        var item = _configs!.Get(key);
        var frame = item is null
            ? PushMessages.MissingConfigFrame(key)
            : subscribers?.FrameFor(item.Version, () => PushMessages.ConfigFrame(item, removed: false)) ?? PushMessages.ConfigFrame(item, removed: false);
        connection.Outbox.EnqueuePush(topic, frame);
    }

    public void SubscribeService(ClientConnection connection, ServiceKey key)
    {
        var topic = PushTopic.Service(key);
        if (!connection.Subscriptions.Add(topic))
        {
            // Already subscribed: a repeat still gets the current state, which is what a client asking again wants.
            connection.Outbox.EnqueuePush(topic, CurrentFrame(key, Find(topic)));
            return;
        }

        // Join first, then read the state: a change racing with the join is then pushed as well, never lost, and
        // the outbox keeps whichever of the two is newer.
        var subscribers = Join(topic, connection);
        connection.Outbox.EnqueuePush(topic, CurrentFrame(key, subscribers));
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

    /// <summary>How many connections listen to a topic; for tests and diagnostics.</summary>
    public int SubscriberCount(PushTopic topic) => Find(topic)?.Connections.Length ?? 0;

    public override void Dispose()
    {
        _subscription.Dispose();
        _configSubscription?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var change in _changes.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (change is ServiceChange service)
                {
                    FanOut(service);
                }
                else if (change is ConfigChange config)
                {
                    FanOut(config);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFanOutFailed(_logger, e, change.ToString() ?? "");
            }
        }
    }

    private void OnChange(ServiceChange change)
    {
        // Runs under the service's lock on the writer's thread: a dictionary lookup, then hand off.
        if (_topics.TryGetValue(PushTopic.Service(change.Key), out var subscribers) && !subscribers.Connections.IsEmpty)
        {
            _changes.Writer.TryWrite(change);
        }
    }

    private void OnConfigChange(ConfigChange change)
    {
        if (_topics.TryGetValue(PushTopic.Config(change.Key), out var subscribers) && !subscribers.Connections.IsEmpty)
        {
            _changes.Writer.TryWrite(change);
        }
    }

    private void FanOut(ConfigChange change)
    {
        var topic = PushTopic.Config(change.Key);
        if (Find(topic) is not { } subscribers)
        {
            return;
        }

        var removed = change.Kind == ConfigChangeKind.Deleted;
        // A delete is one version past the last content it carries.
        var revision = removed ? change.Item.Version + 1 : change.Item.Version;
        var frame = subscribers.FrameFor(revision, () => PushMessages.ConfigFrame(change.Item, removed));
        foreach (var connection in subscribers.Connections.AsSpan())
        {
            connection.Outbox.EnqueuePush(topic, frame);
        }
    }

    private void FanOut(ServiceChange change)
    {
        var topic = PushTopic.Service(change.Key);
        if (Find(topic) is not { } subscribers)
        {
            return;
        }

        var frame = subscribers.FrameFor(change.Snapshot, change.Kind == ServiceChangeKind.Removed);
        foreach (var connection in subscribers.Connections.AsSpan())
        {
            connection.Outbox.EnqueuePush(topic, frame);
        }
    }

    private PushFrame CurrentFrame(ServiceKey key, Subscribers? subscribers)
    {
        var snapshot = _registry.GetService(key);
        if (snapshot is null)
        {
            return PushMessages.MissingServiceFrame(key, _revisions.Current);
        }

        return subscribers?.FrameFor(snapshot, removed: false) ?? PushMessages.ServiceFrame(snapshot, removed: false);
    }

    private Subscribers? Find(PushTopic topic) => _topics.TryGetValue(topic, out var s) ? s : null;

    private Subscribers Join(PushTopic topic, ClientConnection connection)
    {
        while (true)
        {
            var subscribers = _topics.GetOrAdd(topic, static _ => new Subscribers());
            lock (subscribers.Gate)
            {
                if (subscribers.Retired)
                {
                    continue;
                }

                subscribers.Connections = subscribers.Connections.Add(connection);
                return subscribers;
            }
        }
    }

    private void Leave(PushTopic topic, ClientConnection connection)
    {
        if (Find(topic) is not { } subscribers)
        {
            return;
        }

        lock (subscribers.Gate)
        {
            subscribers.Connections = subscribers.Connections.Remove(connection);
            if (subscribers.Connections.IsEmpty)
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

        public Lock Gate { get; } = new();

        public bool Retired { get; set; }

        /// <summary>Replaced whole under <see cref="Gate"/>; an ImmutableArray is one reference, so readers see a complete list.</summary>
        public ImmutableArray<ClientConnection> Connections { get; set; } = [];

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
