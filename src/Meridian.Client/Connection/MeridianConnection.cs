using System.Diagnostics;
using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Meridian.Client.Configuration;
using Meridian.Client.Discovery;
using Meridian.Contracts.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Client.Connection;

/// <summary>
/// The one persistent stream to a Meridian server. It reconnects by itself with backoff and jitter, moving to the
/// next configured server after a failure, and on every connect replays what this process wants: its registrations
/// and its subscriptions. Its own HTTP handler never goes through service discovery.
/// </summary>
internal sealed partial class MeridianConnection : BackgroundService
{
    private readonly MeridianClientOptions _options;
    private readonly ServiceCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger<MeridianConnection> _logger;
    private readonly Telemetry.ClientMetrics _metrics;
    private readonly ServerAddressList _servers;
    private readonly System.Net.Security.SslClientAuthenticationOptions? _trust;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Ack>> _pending = new();
    private readonly ConcurrentDictionary<string, RegisterInstance> _registrations = new(StringComparer.Ordinal);
    private readonly Lock _stateGate = new();
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Session? _session;
    private ulong _nextRequest;

    public MeridianConnection(IOptions<MeridianClientOptions> options, ServiceCache cache, TimeProvider time, Telemetry.ClientMetrics metrics,
        ILogger<MeridianConnection> logger)
    {
        _metrics = metrics;
        _options = options.Value;
        _cache = cache;
        _time = time;
        _logger = logger;
        _servers = new ServerAddressList(_options.ServerAddresses);
        _trust = ServerCertificateTrust.ClientOptions(_options.Tls.CaCertificatePath, "Meridian:Tls:CaCertificatePath");
    }

    /// <summary>Stable for this process, so a reconnect within the server's grace keeps its instances.</summary>
    public string ClientId { get; } = Guid.NewGuid().ToString("N");

    public bool IsConnected => _session is not null;

    /// <summary>The server currently (or last) tried.</summary>
    public Uri CurrentServer => _servers.Current;

    /// <summary>Completes when a session is established (at once if one is).</summary>
    public Task WaitForConnectionAsync(CancellationToken cancellationToken)
    {
        lock (_stateGate)
        {
            return _connected.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Registers an instance now if connected, and on every reconnect from then on. Returns the server's answer, or
    /// null when no server is reachable at the moment (it is then registered as soon as one is).
    /// </summary>
    public async Task<Ack?> RegisterAsync(RegisterInstance registration, CancellationToken cancellationToken)
    {
        _registrations[registration.InstanceId] = registration;
        return await RequestRegistrationAsync(registration, cancellationToken);
    }

    public async Task<Ack?> DeregisterAsync(ServiceRef service, string instanceId, CancellationToken cancellationToken)
    {
        _registrations.TryRemove(instanceId, out _);
        return await TryRequestAsync(
            new ClientMessage { DeregisterInstance = new DeregisterInstance { Service = service, InstanceId = instanceId } }, cancellationToken);
    }

    /// <summary>Reports an own instance healthy or not; a later re-registration carries the same state.</summary>
    public async Task<Ack?> SetHealthAsync(string instanceId, bool healthy, CancellationToken cancellationToken)
    {
        if (!_registrations.TryGetValue(instanceId, out var registration))
        {
            return null;
        }

        var updated = registration.Clone();
        updated.Healthy = healthy;
        _registrations[instanceId] = updated;
        return await TryRequestAsync(
            new ClientMessage { SetInstanceHealth = new SetInstanceHealth { Service = updated.Service, InstanceId = instanceId, Healthy = healthy } },
            cancellationToken);
    }

    /// <summary>Asks for pushes of a service the cache just started tracking; replayed on every reconnect.</summary>
    public void Subscribe(ServiceId id)
    {
        if (_session is { } session)
        {
            _ = SubscribeAsync(session, id);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var server = _servers.Current;
            try
            {
                await RunSessionAsync(server, () => failures = 0, stoppingToken);

                // The session ended: the server closed it, went silent or hung. The next server in the list is likelier up.
                _servers.Advance();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                _metrics.ConnectFailed();
                _servers.Advance();
                if (e is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Unauthenticated or Grpc.Core.StatusCode.PermissionDenied })
                {
                    LogRefused(_logger, server, Describe(e, server), failures);
                }
                else if (CertificateRejection(e) is { } rejection)
                {
                    LogUntrusted(_logger, server, rejection.Message, failures);
                }
                else
                {
                    LogConnectFailed(_logger, server, Describe(e, server), failures, _servers.Current);
                }
            }

            var delay = Backoff.Delay(Math.Max(failures, 1), _options.Connection.MinReconnectDelay, _options.Connection.MaxReconnectDelay);
            try
            {
                await Task.Delay(delay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunSessionAsync(Uri server, Action established, CancellationToken stopping)
    {
        var settings = _options.Connection;
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = settings.ConnectTimeout,
            // The transport's own pings only keep middleboxes from dropping an idle stream; the session's pings detect a dead server.
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
        };
        if (_trust is not null)
        {
            handler.SslOptions = _trust;
        }

        using var channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false });
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var headers = string.IsNullOrEmpty(_options.AccessKey) ? null : new Grpc.Core.Metadata { { "authorization", "Bearer " + _options.AccessKey } };
        using var call = new Contracts.V1.Connection.ConnectionClient(channel).Connect(headers, cancellationToken: closed.Token);

        var welcome = await HandshakeAsync(call, closed.Token);
        var session = new Session(call, closed, _time.GetTimestamp());
        var writer = session.WriteLoopAsync();
        SetSession(session);
        established();
        LogConnected(_logger, server, welcome.ConnectionId, _registrations.Count, _cache.Ids.Count);
        _metrics.Connected();

        var replay = ReplayAsync(session);
        var pinger = PingLoopAsync(session);
        try
        {
            while (await call.ResponseStream.MoveNext(closed.Token))
            {
                session.Heard(_time.GetTimestamp());
                Dispatch(session, call.ResponseStream.Current);
            }

            LogServerClosed(_logger, server);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested && e is RpcException or IOException or OperationCanceledException)
        {
            LogLost(_logger, server, Describe(e, server));
        }
        finally
        {
            _metrics.Disconnected();
            ClearSession(session);
            await closed.CancelAsync();
            session.Complete();
            await Task.WhenAll(writer, replay, pinger).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private async Task<Welcome> HandshakeAsync(AsyncDuplexStreamingCall<ClientMessage, ServerMessage> call, CancellationToken closed)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(closed);
        deadline.CancelAfter(_options.Connection.ConnectTimeout);
        var name = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "app";
        var version = typeof(MeridianConnection).Assembly.GetName().Version?.ToString() ?? "";
        await call.RequestStream.WriteAsync(new ClientMessage { Hello = new Hello { ClientId = ClientId, ClientName = name, ClientVersion = version } }, deadline.Token);
        if (!await call.ResponseStream.MoveNext(deadline.Token) || call.ResponseStream.Current.BodyCase != ServerMessage.BodyOneofCase.Welcome)
        {
            throw new MeridianUnavailableException("The server did not answer Hello with Welcome; is this address a Meridian client port (default 9848)?");
        }

        return call.ResponseStream.Current.Welcome;
    }

    private void Dispatch(Session session, ServerMessage message)
    {
        switch (message.BodyCase)
        {
            case ServerMessage.BodyOneofCase.ServicePush:
                _metrics.Pushed(message.ServicePush.Service.Service, "list");
                _cache.Apply(message.ServicePush);
                break;
            case ServerMessage.BodyOneofCase.ServiceDelta:
                _metrics.Pushed(message.ServiceDelta.Service.Service, "delta");
                if (!_cache.Apply(message.ServiceDelta))
                {
                    var service = message.ServiceDelta.Service;
                    _ = SubscribeAsync(session, new ServiceId(service.Namespace, service.Group, service.Service), resume: false);
                }

                break;
            case ServerMessage.BodyOneofCase.Ack:
                if (_pending.TryRemove(message.Ack.RequestId, out var waiter))
                {
                    waiter.TrySetResult(message.Ack);
                }

                break;
            case ServerMessage.BodyOneofCase.Ping:
                session.TrySend(new ClientMessage { Pong = new Pong { SentAtMs = message.Ping.SentAtMs } });
                break;
        }
    }

    private async Task ReplayAsync(Session session)
    {
        foreach (var registration in _registrations.Values)
        {
            var ack = await RequestRegistrationAsync(registration, session.Closed);
            if (ack is { Ok: false })
            {
                Rejected("registration", registration.InstanceId, ack.ErrorCode, ack.ErrorMessage);
            }
        }

        foreach (var id in _cache.Ids)
        {
            await SubscribeAsync(session, id, resume: true);
        }
    }

    private async Task<Ack?> RequestRegistrationAsync(RegisterInstance registration, CancellationToken cancellationToken)
    {
        using var activity = _metrics.Activities.StartActivity("meridian.client.register", ActivityKind.Client);
        activity?.SetTag("meridian.service", registration.Service?.Service);
        activity?.SetTag("meridian.instance", registration.InstanceId);
        var ack = await TryRequestAsync(new ClientMessage { RegisterInstance = registration.Clone() }, cancellationToken);
        if (ack is { Ok: true })
        {
            _metrics.Registered(registration.Service?.Service ?? "");
        }
        else
        {
            activity?.SetStatus(ActivityStatusCode.Error, ack?.ErrorMessage ?? "no server answered");
        }

        return ack;
    }

    /// <param name="resume">Say the revision held, if any, so the server sends only what changed since (after a reconnect).</param>
    private async Task SubscribeAsync(Session session, ServiceId id, bool resume = false)
    {
        var subscribe = new SubscribeService { Service = new ServiceRef { Namespace = id.Namespace, Group = id.Group, Service = id.Name } };
        if (resume && _cache.Find(id) is { HasData: true, Current.FromSnapshot: false } cached)
        {
            subscribe.SinceRevision = cached.Current.Revision;
        }

        var ack = await TryRequestAsync(new ClientMessage { SubscribeService = subscribe }, session.Closed);
        if (ack is { Ok: false })
        {
            Rejected("subscription", id.ToString(), ack.ErrorCode, ack.ErrorMessage);
        }
    }

    /// <summary>
    /// Pings a quiet server and gives up on one that stays silent past the ping's deadline: a killed server closes the
    /// stream, but a hung one (or a dead one behind a proxy) only stops answering.
    /// </summary>
    private async Task PingLoopAsync(Session session)
    {
        var interval = _options.Connection.PingInterval;
        var silenceLimit = interval + _options.Connection.PingTimeout;
        try
        {
            // Ticks a few times per interval, so silence is noticed within a fraction of the deadline.
            using var timer = new PeriodicTimer(interval / 4, _time);
            var pinged = 0L;
            while (await timer.WaitForNextTickAsync(session.Closed))
            {
                var quiet = _time.GetElapsedTime(session.LastHeard);
                if (quiet >= silenceLimit)
                {
                    LogSilent(_logger, _servers.Current, quiet.TotalSeconds);
                    await session.CloseAsync();
                    return;
                }

                if (quiet >= interval && _time.GetElapsedTime(pinged) >= interval)
                {
                    pinged = _time.GetTimestamp();
                    session.TrySend(new ClientMessage { Ping = new Ping { SentAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds() } });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Session over.
        }
    }

    /// <summary>Sends a request and waits for its ack; null when there is no session or it ended or timed out.</summary>
    private async Task<Ack?> TryRequestAsync(ClientMessage message, CancellationToken cancellationToken)
    {
        if (_session is not { } session)
        {
            return null;
        }

        var id = Interlocked.Increment(ref _nextRequest);
        message.RequestId = id;
        var waiter = new TaskCompletionSource<Ack>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiter;
        try
        {
            if (!session.TrySend(message))
            {
                return null;
            }

            return await waiter.Task.WaitAsync(_options.Connection.RequestTimeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            _metrics.RequestFailed(message.BodyCase.ToString());
            LogRequestTimedOut(_logger, message.BodyCase.ToString(), _options.Connection.RequestTimeout.TotalSeconds);
            return null;
        }
        catch (MeridianUnavailableException)
        {
            return null;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private void SetSession(Session session)
    {
        lock (_stateGate)
        {
            _session = session;
            _connected.TrySetResult();
        }
    }

    private void ClearSession(Session session)
    {
        lock (_stateGate)
        {
            if (ReferenceEquals(_session, session))
            {
                _session = null;
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        foreach (var (id, waiter) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                waiter.TrySetException(new MeridianUnavailableException("The connection to the Meridian server was lost; the request is replayed on reconnect."));
            }
        }
    }


    /// <summary>The TLS failure behind a failed connect, when the server's certificate was what failed (gRPC keeps it as the status's exception).</summary>
    private static System.Security.Authentication.AuthenticationException? CertificateRejection(Exception e) =>
        ServerCertificateTrust.RejectionIn(e is RpcException rpc ? rpc.Status.DebugException : e);

    private static string Describe(Exception e, Uri server)
    {
        var reason = e switch
        {
            RpcException rpc when rpc.StatusCode == StatusCode.Unavailable => $"unavailable ({rpc.Status.Detail})",
            RpcException rpc => $"{rpc.StatusCode} ({rpc.Status.Detail})",
            OperationCanceledException => "no answer in time",
            _ => e.Message,
        };

        // A server's HTTP port speaks HTTP/2 only over TLS, so gRPC over plain text meets HTTP_1_1_REQUIRED there.
        return e.ToString().Contains("HTTP_1_1_REQUIRED", StringComparison.Ordinal)
            ? $"{reason}. {server.Authority} is a Meridian HTTP port, not its client-connection port: 8848 is the HTTP port, client connections use 9848 (the HTTP port + 1000); try {server.Host}:{server.Port + 1000}"
            : reason;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Meridian server {Server} (connection {ConnectionId}); re-registering {Registrations} instance(s) and {Subscriptions} subscription(s)")]
    private static partial void LogConnected(ILogger logger, Uri server, string connectionId, int registrations, int subscriptions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not connect to Meridian server {Server}: {Reason} (attempt {Failures}); trying {Next} next. Check Meridian:ServerAddresses and that the server's client port (default 9848) is reachable over HTTP/2; lookups meanwhile serve the last known instances")]
    private static partial void LogConnectFailed(ILogger logger, Uri server, string reason, int failures, Uri next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meridian server {Server} refused the connection's credentials: {Reason} (attempt {Failures}). Set Meridian:AccessKey to a valid access key (POST /v1/auth/keys); lookups meanwhile serve the last known instances")]
    private static partial void LogRefused(ILogger logger, Uri server, string reason, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meridian server {Server} presented a TLS certificate this client does not trust: {Reason} (attempt {Failures}). Set Meridian:Tls:CaCertificatePath to the CA that issued it, and connect by a name the certificate lists; lookups meanwhile serve the last known instances")]
    private static partial void LogUntrusted(ILogger logger, Uri server, string reason, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to Meridian server {Server}: {Reason}; reconnecting. Lookups serve the last known instances meanwhile")]
    private static partial void LogLost(ILogger logger, Uri server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meridian server {Server} closed the connection (restart or shutdown); reconnecting")]
    private static partial void LogServerClosed(ILogger logger, Uri server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meridian server {Server} has been silent for {Seconds:F1} s; reconnecting. If a proxy sits in between, make sure it passes HTTP/2 pings and long-lived streams")]
    private static partial void LogSilent(ILogger logger, Uri server, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Meridian server rejected the {What} of {Target}: {Code}: {Message}")]
    private static partial void LogRejected(ILogger logger, string what, string target, string code, string message);

    private void Rejected(string what, string target, string code, string message)
    {
        _metrics.RequestFailed(what);
        LogRejected(_logger, what, target, code, message);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Request} got no answer from the Meridian server within {Seconds:F1} s; it is replayed on reconnect. Raise Meridian:Connection:RequestTimeout if the server is just slow")]
    private static partial void LogRequestTimedOut(ILogger logger, string request, double seconds);
}
