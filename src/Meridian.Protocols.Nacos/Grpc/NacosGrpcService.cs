using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Meridian.Naming;
using Meridian.Protocols.Nacos.Grpc.Wire;
using Meridian.Protocols.Native;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>
/// The Nacos 2.x/3.x connection life cycle. The client opens the bi-stream and sends <c>ConnectionSetupRequest</c>
/// (clients that send an ability table get <c>SetupAckRequest</c>), asks <c>ServerCheckRequest</c> for its connection
/// id and keeps the connection alive with <c>HealthCheckRequest</c>. A quiet connection is probed with
/// <c>ClientDetectionRequest</c> and closed past the idle timeout; on shutdown each client gets <c>ConnectResetRequest</c>
/// so it moves at once. When the stream ends, the connection's ephemeral instances go after the same grace as
/// Meridian's own connections, unless another connection of the client has registered them again by then.
/// </summary>
internal sealed partial class NacosGrpcService(
    NacosRequestDispatcher dispatcher,
    NacosConnections connections,
    NacosPushHub hub,
    ClientSessions sessions,
    AddressConnections addresses,
    IOptions<ConnectionOptions> connectionOptions,
    IOptions<NacosOptions> nacosOptions,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<NacosGrpcService> logger)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a client may take to read ConnectResetRequest (and close its side) before the stream is cut.</summary>
    private static readonly TimeSpan ResetGrace = TimeSpan.FromSeconds(1);

    public Task<Payload> RequestAsync(Payload request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        return dispatcher.HandleAsync(request, http.Connection.Id, http.Connection.RemoteIpAddress, http.Connection.LocalIpAddress, context.CancellationToken);
    }

    public async Task StreamAsync(IAsyncStreamReader<Payload> requests, IServerStreamWriter<PushFrame> responses, ServerCallContext context)
    {
        var settings = connectionOptions.Value;
        var http = context.GetHttpContext();
        using var counted = addresses.Open(http.Connection.RemoteIpAddress);
        using var setup = await ReadSetupAsync(requests, settings.HelloTimeout, context.CancellationToken);
        var labels = setup.Body.TryGetProperty("labels", out var l) ? l : default;
        using var connection = new NacosConnection(
            http.Connection.Id,
            context.Peer,
            setup.String("clientVersion") ?? "",
            NacosRequest.String(labels, "AppName") ?? NacosRequest.String(labels, "app") ?? "",
            settings.MaxPendingReplies,
            time.GetTimestamp(),
            context.CancellationToken);
        if (!connections.Add(connection))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, "This connection already set up its stream; open a new connection to start over."));
        }

        connection.LeaseOwner = sessions.Attach(connection.SessionKey, connection);
        LogConnected(logger, connection.Id, connection.ClientVersion, connection.AppName, connection.Peer);
        if (setup.Body.TryGetProperty("abilityTable", out var abilities) && abilities.ValueKind == JsonValueKind.Object)
        {
            // Clients that negotiate abilities wait for this before their first request.
            connection.Send(NacosPayloads.ServerRequest("SetupAckRequest", hub.NextRequestId(), w =>
            {
                w.WriteStartObject("abilityTable");
                w.WriteBoolean("supportPersistentInstanceByGrpc", true);
                w.WriteEndObject();
            }));
        }

        using var reset = lifetime.ApplicationStopping.Register(() => Reset(connection));
        var writer = WriteLoopAsync(connection, responses);
        var keeper = KeepLoopAsync(connection, settings, nacosOptions.Value);
        string reason;
        try
        {
            await ReadLoopAsync(connection, requests);
            reason = "the client closed the stream";
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or RpcException)
        {
            reason = connection.Closed.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested
                ? "closed by the server (reset, idle or not reading)"
                : "the client went away";
        }
        finally
        {
            connection.Close();
            hub.UnfollowAll(connection);
            connections.Remove(connection);
            sessions.Detach(connection.SessionKey, connection, settings.Grace);
        }

        await Task.WhenAll(writer, keeper);
        LogDisconnected(logger, connection.Id, reason, settings.Grace.TotalSeconds);
    }

    private static async Task<NacosRequest> ReadSetupAsync(IAsyncStreamReader<Payload> requests, TimeSpan timeout, CancellationToken aborted)
    {
        var any = await Meridian.Protocols.Native.FirstMessage.ReadAsync(requests, timeout, "ConnectionSetupRequest", aborted);
        var setup = any ? NacosRequest.Parse(requests.Current, out _) : null;
        if (setup is null || setup.Type != "ConnectionSetupRequest")
        {
            setup?.Dispose();
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The first message on the stream must be a ConnectionSetupRequest."));
        }

        return setup;
    }

    /// <summary>Reads the client's answers to server requests: an answer acks the push with its request id.</summary>
    private async Task ReadLoopAsync(NacosConnection connection, IAsyncStreamReader<Payload> requests)
    {
        while (await requests.MoveNext(connection.Closed))
        {
            connection.Heard(time.GetTimestamp());
            using var message = NacosRequest.Parse(requests.Current, out var problem);
            if (message is null)
            {
                LogUnreadable(logger, connection.Id, problem);
                continue;
            }

            if (message.Type.EndsWith("Response", StringComparison.Ordinal) && message.RequestId is { } requestId)
            {
                connection.Acked(requestId);
            }
        }
    }

    private void Reset(NacosConnection connection)
    {
        // The client drops this connection and connects again (to another node, or to this one once it is back).
        var frame = new PushFrame(NacosPayloads.ServerRequest("ConnectResetRequest", hub.NextRequestId()).ToByteArray(), 0);
        connection.FinalFrame = frame;
        if (!connection.Outbox.TryEnqueueReply(frame))
        {
            connection.Close();
        }
    }

    private async Task WriteLoopAsync(NacosConnection connection, IServerStreamWriter<PushFrame> responses)
    {
        try
        {
            while (true)
            {
                var frame = await connection.Outbox.DequeueAsync(connection.Closed);
                await responses.WriteAsync(frame, connection.Closed);
                if (ReferenceEquals(frame, connection.FinalFrame))
                {
                    // Cutting the stream at once could discard the reset before the client has read it.
                    await Task.Delay(ResetGrace, time, connection.Closed);
                    connection.Close();
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or RpcException)
        {
            connection.Close();
        }
    }

    /// <summary>Resends unacked pushes, probes a quiet client and closes one silent past the idle timeout.</summary>
    private async Task KeepLoopAsync(NacosConnection connection, ConnectionOptions settings, NacosOptions nacos)
    {
        var lastProbe = time.GetTimestamp();
        try
        {
            using var timer = new PeriodicTimer(Tick, time);
            while (await timer.WaitForNextTickAsync(connection.Closed))
            {
                var now = time.GetTimestamp();
                connection.ResendUnacked(now, nacos.PushAckTimeout, nacos.PushAttempts, time);
                var quiet = time.GetElapsedTime(connection.LastHeard, now);
                if (quiet >= settings.IdleTimeout)
                {
                    LogIdle(logger, connection.Id, quiet.TotalSeconds);
                    connection.Close();
                    return;
                }

                if (quiet >= settings.PingInterval && time.GetElapsedTime(lastProbe, now) >= settings.PingInterval)
                {
                    lastProbe = now;
                    connection.Send(NacosPayloads.ServerRequest("ClientDetectionRequest", hub.NextRequestId()));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Connection closed.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Nacos client connection {ConnectionId} set up ({ClientVersion}, app '{AppName}') from {Peer}")]
    private static partial void LogConnected(ILogger logger, string connectionId, string clientVersion, string appName, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Nacos client connection {ConnectionId} ended: {Reason}; its instances stay for {Grace:F1} s in case it registers them again")]
    private static partial void LogDisconnected(ILogger logger, string connectionId, string reason, double grace);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Nacos connection {ConnectionId} sent an unreadable message: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string connectionId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nacos client connection {ConnectionId} was silent for {Seconds:F1} s; closing it (the client reconnects if it is alive)")]
    private static partial void LogIdle(ILogger logger, string connectionId, double seconds);
}
