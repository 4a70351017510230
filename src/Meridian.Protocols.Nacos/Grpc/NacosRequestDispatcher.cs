using System.Net;
using Meridian.Auth;
using Meridian.Protocols.Nacos.Grpc.Wire;
using Meridian.Protocols.Nacos.Http;
using Meridian.Validation;
using Microsoft.Extensions.Logging;

namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>
/// Answers one unary request by its type. Errors come back as Nacos' <c>ErrorResponse</c> with its codes: 301 for a
/// connection that never set up its stream, 302 for a type nobody handles, 403 for missing or refused credentials,
/// 400/404/409 for bad input, 503 when over a limit or the store is unavailable, 500 otherwise.
/// </summary>
internal sealed partial class NacosRequestDispatcher(
    NacosConnections connections,
    NacosGrpcCallers callers,
    NacosNamingRequests naming,
    NacosConfigRequests config,
    TimeProvider time,
    ILogger<NacosRequestDispatcher> logger)
{
    /// <summary>Nacos' NacosException codes, as clients read them.</summary>
    public const int BadRequest = 400;
    public const int NoRight = 403;
    public const int NotFound = 404;
    public const int Conflict = 409;
    public const int ServerError = 500;
    public const int OverThreshold = 503;
    public const int UnRegister = 301;
    public const int NoHandler = 302;

    /// <summary>How long a request may wait for its connection's setup to be read from the stream.</summary>
    private static readonly TimeSpan SetupWait = TimeSpan.FromSeconds(3);

    public async Task<Payload> HandleAsync(Payload payload, string connectionId, IPAddress? remote, IPAddress? local, CancellationToken ct)
    {
        using var request = NacosRequest.Parse(payload, out var problem);
        if (request is null)
        {
            return NacosPayloads.Error(BadRequest, problem);
        }

        if (request.Type == "ServerCheckRequest")
        {
            return NacosPayloads.Ok("ServerCheckResponse", request.RequestId, w =>
            {
                w.WriteString("connectionId", connectionId);
                w.WriteBoolean("supportAbilityNegotiation", true);
            });
        }

        if (!Handles(request.Type))
        {
            return NacosPayloads.Error(NoHandler, $"This server does not handle {request.Type}; docs/compatibility.md lists the requests it serves.", request.RequestId);
        }

        var connection = await connections.FindAsync(connectionId, SetupWait, ct);
        if (connection is null)
        {
            return NacosPayloads.Error(UnRegister, "Connection is unregistered: open the bi-stream and send ConnectionSetupRequest first.", request.RequestId);
        }

        connection.Heard(time.GetTimestamp());
        try
        {
            return await DispatchAsync(request, connection, remote, local, ct);
        }
        catch (NacosGrpcException e)
        {
            return NacosPayloads.Error(e.ErrorCode, e.Message, request.RequestId);
        }
        catch (NacosException e)
        {
            return NacosPayloads.Error(e.Status, e.Message, request.RequestId);
        }
        catch (InvalidInputException e)
        {
            return NacosPayloads.Error(BadRequest, string.Join(" ", e.Errors.SelectMany(p => p.Value.Select(m => $"{p.Key}: {m}"))), request.RequestId);
        }
        catch (UnauthenticatedException e)
        {
            return NacosPayloads.Error(NoRight, e.Message, request.RequestId);
        }
        catch (AccessDeniedException e)
        {
            return NacosPayloads.Error(NoRight, e.Message, request.RequestId);
        }
        catch (NotFoundException e)
        {
            return NacosPayloads.Error(NotFound, e.Message, request.RequestId);
        }
        catch (ConflictException e)
        {
            return NacosPayloads.Error(Conflict, e.Message, request.RequestId);
        }
        catch (Exception e) when (e is LimitExceededException or StorageUnavailableException or TooManyRequestsException)
        {
            return NacosPayloads.Error(OverThreshold, e.Message, request.RequestId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRequestFailed(logger, e, request.Type, connection.Id);
            return NacosPayloads.Error(ServerError, "The server failed to handle the request; retry, and report it if it keeps failing.", request.RequestId);
        }
    }

    private static bool Handles(string type) => type is "HealthCheckRequest" or "InstanceRequest" or "PersistentInstanceRequest"
        or "BatchInstanceRequest" or "ServiceQueryRequest" or "ServiceListRequest" or "SubscribeServiceRequest"
        or "ConfigQueryRequest" or "ConfigPublishRequest" or "ConfigRemoveRequest" or "ConfigBatchListenRequest";

    private async Task<Payload> DispatchAsync(NacosRequest request, NacosConnection connection, IPAddress? remote, IPAddress? local, CancellationToken ct)
    {
        if (request.Type == "HealthCheckRequest")
        {
            return NacosPayloads.Ok("HealthCheckResponse", request.RequestId);
        }

        var caller = await callers.IdentifyAsync(request.Headers, remote, local);
        return request.Type switch
        {
            "InstanceRequest" => await naming.InstanceAsync(request, connection, caller, ephemeral: true, ct),
            "PersistentInstanceRequest" => await naming.InstanceAsync(request, connection, caller, ephemeral: false, ct),
            "BatchInstanceRequest" => await naming.BatchAsync(request, connection, caller, ct),
            "ServiceQueryRequest" => naming.Query(request, caller),
            "ServiceListRequest" => naming.List(request, caller),
            "SubscribeServiceRequest" => naming.Subscribe(request, connection, caller),
            "ConfigQueryRequest" => config.Query(request, caller),
            "ConfigPublishRequest" => await config.PublishAsync(request, caller, ct),
            "ConfigRemoveRequest" => await config.RemoveAsync(request, caller, ct),
            "ConfigBatchListenRequest" => config.BatchListen(request, connection, caller),
            _ => NacosPayloads.Error(NoHandler, $"This server does not handle {request.Type}.", request.RequestId),
        };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A Nacos {Request} from connection {ConnectionId} failed; the client was told to retry")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string request, string connectionId);
}
