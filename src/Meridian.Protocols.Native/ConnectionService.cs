using Grpc.Core;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Contracts.V1;
using Meridian.Limits;
using Meridian.Naming;
using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Native;

/// <summary>
/// Serves one client stream: Hello, then requests in order (register, deregister, health, subscribe) answered by
/// acks, with pushes and pings interleaved by the writer loop.
/// </summary>
internal sealed partial class ConnectionService(
    RegistryCommands commands,
    PushHub hub,
    ClientSessions sessions,
    AuthDirectory directory,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    IOptions<ConnectionOptions> options,
    IOptions<LimitOptions> limits,
    AddressConnections addresses,
    Meridian.Telemetry.ServerMetrics metrics,
    ILogger<ConnectionService> logger)
{
    private const int MaxClientIdLength = 128;

    public async Task ConnectAsync(IAsyncStreamReader<ClientMessage> requests, IServerStreamWriter<PushFrame> responses, ServerCallContext context)
    {
        var settings = options.Value;
        using var counted = addresses.Open(context.GetHttpContext().Connection.RemoteIpAddress);
        var hello = await ReadHelloAsync(requests, settings.HelloTimeout, context.CancellationToken);
        using var connection = new ClientConnection(
            string.IsNullOrEmpty(hello.ClientId) ? Guid.NewGuid().ToString("N") : hello.ClientId,
            hello.ClientName,
            context.Peer,
            Caller.Of(context.GetHttpContext().User),
            settings.MaxPendingReplies,
            time.GetTimestamp(),
            context.CancellationToken,
            lifetime.ApplicationStopping)
        {
            CallerGeneration = directory.Generation,
        };

        connection.LeaseOwner = sessions.Attach(connection.SessionKey, connection);
        LogConnected(logger, connection.ClientId, connection.ClientName, connection.Peer, connection.StreamId);
        connection.Reply(new ServerMessage
        {
            Welcome = new Welcome
            {
                ConnectionId = connection.StreamId,
                PingIntervalMs = (long)settings.PingInterval.TotalMilliseconds,
                GraceMs = (long)settings.Grace.TotalMilliseconds,
                ServerVersion = typeof(ConnectionService).Assembly.GetName().Version?.ToString() ?? "",
            },
        });

        var writer = WriteLoopAsync(connection, responses);
        var pinger = PingLoopAsync(connection, settings);
        string reason;
        string? refused = null;
        try
        {
            (reason, refused) = await ReadLoopAsync(connection, requests);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or RpcException)
        {
            reason = connection.Closed.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested
                ? "closed by the server (replaced, idle or not reading)"
                : "the client went away";
        }
        finally
        {
            connection.Close();
            hub.UnsubscribeAll(connection);
            sessions.Detach(connection.SessionKey, connection, settings.Grace);
        }

        await Task.WhenAll(writer, pinger);

        // Released before the line that says the stream ended, so a client that reconnects on reading it is let in.
        counted.Dispose();
        LogDisconnected(logger, connection.ClientId, connection.StreamId, reason, settings.Grace.TotalSeconds);
        if (refused is not null)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, refused));
        }
    }

    private static async Task<Hello> ReadHelloAsync(IAsyncStreamReader<ClientMessage> requests, TimeSpan timeout, CancellationToken aborted)
    {
        var any = await FirstMessage.ReadAsync(requests, timeout, "Hello", aborted);
        if (!any || requests.Current.BodyCase != ClientMessage.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The first message on a connection must be Hello."));
        }

        var hello = requests.Current.Hello;
        if (hello.ClientId.Length > MaxClientIdLength)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Hello.client_id is {hello.ClientId.Length} characters; use at most {MaxClientIdLength}."));
        }

        return hello;
    }

    private async Task<(string Reason, string? Refused)> ReadLoopAsync(ClientConnection connection, IAsyncStreamReader<ClientMessage> requests)
    {
        while (await requests.MoveNext(connection.Closed))
        {
            connection.Heard(time.GetTimestamp());
            if (!Reconfirm(connection))
            {
                // Its subscriptions end with the stream; the reconnect meets the same refusal at the door.
                var refused = $"'{connection.Caller.Name}' is no longer valid (revoked, expired or deleted); connect with a valid access key.";
                return ("its credential was revoked", refused);
            }

            var message = requests.Current;
            var ack = await HandleAsync(connection, message);
            if (ack is not null && message.RequestId != 0)
            {
                ack.RequestId = message.RequestId;
                connection.Reply(new ServerMessage { Ack = ack });
            }
        }

        return ("the client closed the stream", null);
    }

    /// <summary>
    /// Keeps an open stream's caller current: a revoked or expired key or a deleted user ends the stream at its next
    /// message (clients ping every few seconds), a role change applies to the next operation. Free while nothing changed.
    /// </summary>
    private bool Reconfirm(ClientConnection connection)
    {
        var generation = directory.Generation;
        if (generation == connection.CallerGeneration && connection.Caller.ExpiresAt is null)
        {
            return true;
        }

        if (directory.Current(connection.Caller) is not { } current)
        {
            return false;
        }

        connection.Caller = current;
        connection.CallerGeneration = generation;
        return true;
    }

    private async Task<Ack?> HandleAsync(ClientConnection connection, ClientMessage message)
    {
        try
        {
            switch (message.BodyCase)
            {
                case ClientMessage.BodyOneofCase.RegisterInstance:
                    var registration = message.RegisterInstance;
                    var key = PushMessages.Key(registration.Service);
                    var instance = await commands.RegisterAsync(key, PushMessages.ToRegistration(registration), connection.LeaseOwner, connection.Caller, connection.Closed);
                    LogRegistered(logger, instance.InstanceId, key, connection.ClientId);
                    return new Ack { Ok = true, InstanceId = instance.InstanceId };

                case ClientMessage.BodyOneofCase.DeregisterInstance:
                    await commands.DeregisterAsync(PushMessages.Key(message.DeregisterInstance.Service), message.DeregisterInstance.InstanceId, connection.Caller, connection.Closed);
                    return new Ack { Ok = true };

                case ClientMessage.BodyOneofCase.SetInstanceHealth:
                    var health = message.SetInstanceHealth;
                    return await commands.SetHealthAsync(PushMessages.Key(health.Service), health.InstanceId, health.Healthy, connection.Caller, connection.Closed)
                        ? new Ack { Ok = true }
                        : Error("not_found", $"Instance '{health.InstanceId}' is not registered in {PushMessages.Key(health.Service)}; register it before reporting its health.");

                case ClientMessage.BodyOneofCase.SubscribeService:
                    var service = PushMessages.Key(message.SubscribeService.Service);
                    InstanceRules.ValidateKey(service);
                    connection.Caller.Demand(service, AccessActions.Read);
                    CheckRoom(connection, PushTopic.Service(service));
                    hub.SubscribeService(connection, service, message.SubscribeService.HasSinceRevision ? message.SubscribeService.SinceRevision : null);
                    return new Ack { Ok = true };

                case ClientMessage.BodyOneofCase.UnsubscribeService:
                    hub.Unsubscribe(connection, PushTopic.Service(PushMessages.Key(message.UnsubscribeService.Service)));
                    return new Ack { Ok = true };

                case ClientMessage.BodyOneofCase.SubscribeConfig or ClientMessage.BodyOneofCase.UnsubscribeConfig when !hub.PushesConfigs:
                    return Error("unavailable", "This server runs without the configuration center; read configs from a server that has it.");

                case ClientMessage.BodyOneofCase.SubscribeConfig:
                    var config = PushMessages.Key(message.SubscribeConfig.Config);
                    ConfigRules.ThrowIfInvalid(config);
                    connection.Caller.Demand(config, AccessActions.Read);
                    CheckRoom(connection, PushTopic.Config(config));
                    hub.SubscribeConfig(connection, config, message.SubscribeConfig.HasSinceRevision ? message.SubscribeConfig.SinceRevision : null);
                    return new Ack { Ok = true };

                case ClientMessage.BodyOneofCase.UnsubscribeConfig:
                    hub.Unsubscribe(connection, PushTopic.Config(PushMessages.Key(message.UnsubscribeConfig.Config)));
                    return new Ack { Ok = true };

                case ClientMessage.BodyOneofCase.Ping:
                    connection.Reply(new ServerMessage { Pong = new Pong { SentAtMs = message.Ping.SentAtMs } });
                    return null;

                case ClientMessage.BodyOneofCase.Pong:
                    return null;

                case ClientMessage.BodyOneofCase.Hello:
                    return Error("invalid_input", "Hello is sent once, as the first message; open a new stream to start over.");

                default:
                    return Error("invalid_input", $"Unknown message '{message.BodyCase}'; upgrade the server or the client so they speak the same version.");
            }
        }
        catch (InvalidInputException e)
        {
            return Error("invalid_input", e.Message);
        }
        catch (NotFoundException e)
        {
            return Error("not_found", e.Message);
        }
        catch (ConflictException e)
        {
            return Error("conflict", e.Message);
        }
        catch (StorageUnavailableException e)
        {
            return Error("unavailable", e.Message);
        }
        catch (AccessDeniedException e)
        {
            return Error("permission_denied", e.Message);
        }
        catch (LimitExceededException e)
        {
            return Error("limit_exceeded", e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRequestFailed(logger, e, message.BodyCase.ToString(), connection.ClientId);
            return Error("internal", "The server failed to handle the request; retry, and report it if it keeps failing.");
        }
    }

    private void CheckRoom(ClientConnection connection, PushTopic topic)
    {
        if (!connection.Subscriptions.Contains(topic))
        {
            Quota.ThrowIfReached(connection.Subscriptions.Count, limits.Value.MaxSubscriptionsPerConnection,
                nameof(LimitOptions.MaxSubscriptionsPerConnection), $"Connection '{connection.ClientId}'", metrics);
        }
    }

    private static Ack Error(string code, string text) => new() { Ok = false, ErrorCode = code, ErrorMessage = text };

    private async Task WriteLoopAsync(ClientConnection connection, IServerStreamWriter<PushFrame> responses)
    {
        try
        {
            while (true)
            {
                var frame = await connection.Outbox.DequeueAsync(connection.Closed);
                await responses.WriteAsync(frame, connection.Closed);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or RpcException)
        {
            // The stream is over: the read loop sees the same and cleans up.
            connection.Close();
        }
    }

    /// <summary>Pings a quiet client and drops one that stays silent past the idle timeout.</summary>
    private async Task PingLoopAsync(ClientConnection connection, ConnectionOptions settings)
    {
        try
        {
            using var timer = new PeriodicTimer(settings.PingInterval, time);
            while (await timer.WaitForNextTickAsync(connection.Closed))
            {
                var quiet = time.GetElapsedTime(connection.LastHeard);
                if (quiet >= settings.IdleTimeout)
                {
                    LogIdle(logger, connection.ClientId, connection.StreamId, quiet.TotalSeconds);
                    connection.Close();
                    return;
                }

                if (quiet >= settings.PingInterval)
                {
                    connection.Reply(new ServerMessage { Ping = new Ping { SentAtMs = time.GetUtcNow().ToUnixTimeMilliseconds() } });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Connection closed.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} ({ClientName}) connected from {Peer}, stream {StreamId}")]
    private static partial void LogConnected(ILogger logger, string clientId, string clientName, string peer, string streamId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} stream {StreamId} ended: {Reason}; its instances stay for {Grace:F1} s in case it reconnects")]
    private static partial void LogDisconnected(ILogger logger, string clientId, string streamId, string reason, double grace);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceId} of {Service} registered over the connection of client {ClientId}")]
    private static partial void LogRegistered(ILogger logger, string instanceId, ServiceKey service, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {ClientId} stream {StreamId} was silent for {Seconds:F1} s; closing it (the client reconnects if it is alive; check proxies that drop idle HTTP/2 streams)")]
    private static partial void LogIdle(ILogger logger, string clientId, string streamId, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Request} request from client {ClientId} failed; the client was told to retry")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string request, string clientId);
}
