using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Google.Protobuf;
using Meridian.Changes;
using Meridian.Config;
using Meridian.Naming;
using Meridian.Protocols.Native;
using Meridian.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>
/// Pushes registry and config changes to the Nacos connections that follow them: <c>NotifySubscriberRequest</c> with
/// the service's full instance list, <c>ConfigChangeNotifyRequest</c> naming the config (the client then reads it).
/// The publisher only hands a change to a channel when someone follows it; one loop serializes one frame per change
/// (its request id is unique per connection, so all share it) and queues it to each follower.
/// </summary>
internal sealed partial class NacosPushHub : BackgroundService
{
    private readonly RegistryProjection _registry;
    private readonly TimeProvider _time;
    private readonly ServerMetrics _metrics;
    private readonly ILogger<NacosPushHub> _logger;
    private readonly ConcurrentDictionary<PushTopic, SubscriberSet<NacosConnection>> _topics = new();
    private readonly Channel<(object Change, long AppliedAt)> _changes =
        Channel.CreateUnbounded<(object Change, long AppliedAt)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IDisposable _serviceSubscription;
    private readonly IDisposable _configSubscription;
    private long _sequence;

    public NacosPushHub(RegistryProjection registry, ConfigProjection configs, TimeProvider time, ServerMetrics metrics, ILogger<NacosPushHub> logger)
    {
        _registry = registry;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _serviceSubscription = registry.Changes.Subscribe(OnChange);
        _configSubscription = configs.Changes.Subscribe(OnChange);
    }

    /// <summary>Follows a service; the caller answers with the current list, later changes come as pushes.</summary>
    public void Follow(NacosConnection connection, PushTopic topic, string tenant)
    {
        if (!connection.Subscriptions.TryAdd(topic, tenant))
        {
            connection.Subscriptions[topic] = tenant;
            return;
        }

        while (true)
        {
            var followers = _topics.GetOrAdd(topic, static _ => new SubscriberSet<NacosConnection>());
            lock (followers.Gate)
            {
                if (followers.Retired)
                {
                    continue;
                }

                followers.Add(connection, _time.GetUtcNow());
                return;
            }
        }
    }

    public void Unfollow(NacosConnection connection, PushTopic topic)
    {
        if (!connection.Subscriptions.TryRemove(topic, out _) || !_topics.TryGetValue(topic, out var followers))
        {
            return;
        }

        lock (followers.Gate)
        {
            followers.Remove(connection);
            if (followers.IsEmpty)
            {
                followers.Retired = true;
                _topics.TryRemove(new KeyValuePair<PushTopic, SubscriberSet<NacosConnection>>(topic, followers));
            }
        }
    }

    public void UnfollowAll(NacosConnection connection)
    {
        foreach (var topic in connection.Subscriptions.Keys)
        {
            Unfollow(connection, topic);
        }
    }

    /// <summary>The connections following a service, read from the topic's set for diagnostics: the fan-out is not touched.</summary>
    public void AddFollowersOf(ServiceKey key, ICollection<ServiceSubscriber> into)
    {
        if (!_topics.TryGetValue(PushTopic.Service(key), out var followers))
        {
            return;
        }

        foreach (var (connection, since) in followers.WithSince())
        {
            var agent = connection.AppName is { Length: > 0 } app && app != "-" ? $"{connection.ClientVersion} ({app})" : connection.ClientVersion;
            into.Add(new ServiceSubscriber(GrpcPeer.Address(connection.Peer), "nacos-grpc", connection.Id, agent, since));
        }
    }

    public int FollowerCount(PushTopic topic) => _topics.TryGetValue(topic, out var f) ? f.Count : 0;

    /// <summary>A request id for a server request; unique on this node, so unique on every connection.</summary>
    public string NextRequestId() => Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);

    public override void Dispose()
    {
        _serviceSubscription.Dispose();
        _configSubscription.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (change, appliedAt) in _changes.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                var (kind, reached) = change switch
                {
                    ServiceChange service => ("service", FanOut(service)),
                    ConfigChange config => ("config", FanOut(config)),
                    _ => ("", 0),
                };
                _metrics.FannedOut(reached, _time.GetElapsedTime(appliedAt), kind);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFanOutFailed(_logger, e, change.ToString() ?? "");
            }
        }
    }

    private void OnChange(ServiceChange change) => Hand(PushTopic.Service(change.Key), change);

    private void OnChange(ConfigChange change) => Hand(PushTopic.Config(change.Key), change);

    private void Hand(PushTopic topic, object change)
    {
        // Runs on the change log's writer: a lookup, then hand off.
        if (_topics.TryGetValue(topic, out var followers) && !followers.IsEmpty)
        {
            _changes.Writer.TryWrite((change, _time.GetTimestamp()));
        }
    }

    private int FanOut(ServiceChange change)
    {
        var topic = PushTopic.Service(change.Key);
        if (!_topics.TryGetValue(topic, out var followers))
        {
            return 0;
        }

        // The newest state, not the change's: a burst that queued up is pushed once, as it stands now.
        var snapshot = _registry.GetService(change.Key) ?? change.Snapshot;
        var requestId = NextRequestId();
        var frame = ServiceNotice(change.Key, snapshot, requestId);
        var timestamp = _time.GetTimestamp();
        var reached = 0;
        foreach (var connection in followers)
        {
            connection.Push(topic, frame, requestId, timestamp);
            reached++;
        }

        return reached;
    }

    private int FanOut(ConfigChange change)
    {
        var topic = PushTopic.Config(change.Key);
        if (!_topics.TryGetValue(topic, out var followers))
        {
            return 0;
        }

        var revision = change.Kind == ConfigChangeKind.Deleted ? change.Item.Version + 1 : change.Item.Version;
        var requestId = NextRequestId();
        var timestamp = _time.GetTimestamp();

        // The client matches the notice to its cache by the tenant it listened with: "" and "public" both name the
        // public namespace, so a frame is built per spelling in use (rarely more than one).
        Dictionary<string, PushFrame>? frames = null;
        var reached = 0;
        foreach (var connection in followers)
        {
            reached++;
            var tenant = connection.Subscriptions.TryGetValue(topic, out var spelled) ? spelled : change.Key.Namespace;
            frames ??= new Dictionary<string, PushFrame>(1, StringComparer.Ordinal);
            if (!frames.TryGetValue(tenant, out var frame))
            {
                frame = new PushFrame(ConfigNotice(change.Key, tenant, requestId).ToByteArray(), revision);
                frames[tenant] = frame;
            }

            connection.Push(topic, frame, requestId, timestamp);
        }

        return reached;
    }

    /// <summary>
    /// Pushes a service's current list to one new subscriber, as Nacos does: a client that subscribes again after a
    /// reconnect (its redo) may not read the subscribe answer, and would otherwise wait for the next change.
    /// </summary>
    public void PushCurrent(NacosConnection connection, ServiceKey key)
    {
        var snapshot = _registry.GetService(key);
        var requestId = NextRequestId();
        connection.Push(PushTopic.Service(key), ServiceNotice(key, snapshot, requestId), requestId, _time.GetTimestamp());
    }

    private PushFrame ServiceNotice(ServiceKey key, ServiceSnapshot? snapshot, string requestId)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var payload = NacosPayloads.ServerRequest("NotifySubscriberRequest", requestId, w =>
        {
            w.WriteString("namespace", key.Namespace);
            w.WriteString("serviceName", key.Name);
            w.WriteString("groupName", key.Group);
            NacosServiceInfo.Write(w, "serviceInfo", key, snapshot, "", healthyOnly: false, now);
        });
        return new PushFrame(payload.ToByteArray(), snapshot?.Revision ?? 0);
    }

    /// <summary>
    /// Tells one connection that a config it listens to differs from what it holds. The listen answer says so too,
    /// but a client may not read it (the Rust client sends its first listen in the background), and the change it
    /// missed would otherwise wait for its next full listen.
    /// </summary>
    public void NotifyStale(NacosConnection connection, ConfigKey key, string tenant, long revision)
    {
        var requestId = NextRequestId();
        var payload = ConfigNotice(key, tenant, requestId);
        connection.Push(PushTopic.Config(key), new PushFrame(payload.ToByteArray(), revision), requestId, _time.GetTimestamp());
    }

    private static Wire.Payload ConfigNotice(ConfigKey key, string tenant, string requestId) =>
        NacosPayloads.ServerRequest("ConfigChangeNotifyRequest", requestId, w =>
        {
            w.WriteString("dataId", key.DataId);
            w.WriteString("group", key.Group);
            w.WriteString("tenant", tenant);
        });

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not push {Change} to its Nacos subscribers; they get the next change, and config listeners compare MD5s on their next listen")]
    private static partial void LogFanOutFailed(ILogger logger, Exception exception, string change);

}
