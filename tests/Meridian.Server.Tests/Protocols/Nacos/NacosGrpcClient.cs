using System.Text.Json;
using System.Threading.Channels;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Meridian.Protocols.Nacos.Grpc.Wire;
using WireMetadata = Meridian.Protocols.Nacos.Grpc.Wire.Metadata;

namespace Meridian.Server.Tests.Protocols.Nacos;

/// <summary>
/// A bare Nacos 2.x connection: one HTTP/2 connection carrying the unary <c>/Request/request</c> calls and the
/// <c>/BiRequestStream/requestBiStream</c> stream, with JSON bodies, as the Nacos SDKs speak it.
/// </summary>
internal sealed class NacosGrpcClient : IAsyncDisposable
{
    private static readonly Marshaller<Payload> Marshaller = Marshallers.Create(
        static (Payload p, SerializationContext c) => c.Complete(p.ToByteArray()),
        static c => Payload.Parser.ParseFrom(c.PayloadAsReadOnlySequence()));

    private static readonly Method<Payload, Payload> Unary = new(MethodType.Unary, "Request", "request", Marshaller, Marshaller);
    private static readonly Method<Payload, Payload> Stream = new(MethodType.DuplexStreaming, "BiRequestStream", "requestBiStream", Marshaller, Marshaller);

    private readonly GrpcChannel _channel;
    private readonly Channel<JsonElement> _received = Channel.CreateUnbounded<JsonElement>();
    private readonly List<JsonElement> _unmatched = [];
    private AsyncDuplexStreamingCall<Payload, Payload>? _call;
    private Task? _reader;

    public NacosGrpcClient(Uri address, string? accessToken)
    {
        _channel = GrpcChannel.ForAddress(address);
        AccessToken = accessToken;
    }

    public string? AccessToken { get; set; }

    /// <summary>Server requests received on the stream, with their type as "type".</summary>
    public List<JsonElement> Received { get; } = [];

    /// <summary>Completes when the server ends the stream.</summary>
    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Opens the stream and sends ConnectionSetupRequest (with an ability table, as Java clients send).</summary>
    public async Task SetUpAsync(bool withAbilityTable, CancellationToken ct)
    {
        _call = _channel.CreateCallInvoker().AsyncDuplexStreamingCall(Stream, null, new CallOptions(cancellationToken: ct));
        _reader = Task.Run(ReadAsync, ct);
        var body = new Dictionary<string, object?>
        {
            ["clientVersion"] = "raw-test",
            ["tenant"] = "",
            ["labels"] = new Dictionary<string, string> { ["AppName"] = "raw" },
            ["headers"] = new Dictionary<string, string>(),
        };
        if (withAbilityTable)
        {
            body["abilityTable"] = new Dictionary<string, bool>();
        }

        await SendOnStreamAsync("ConnectionSetupRequest", body);
    }

    public Task SendOnStreamAsync(string type, object body) => _call!.RequestStream.WriteAsync(Build(type, body, null));

    /// <summary>Sends a unary request; returns the response type and body.</summary>
    public async Task<(string Type, JsonElement Body)> RequestAsync(string type, object body, CancellationToken ct)
    {
        var headers = AccessToken is null ? null : new Dictionary<string, string> { ["accessToken"] = AccessToken };
        var response = await _channel.CreateCallInvoker().AsyncUnaryCall(Unary, null, new CallOptions(cancellationToken: ct), Build(type, body, headers));
        return (response.Metadata.Type, JsonDocument.Parse(response.Body.Value.Memory).RootElement.Clone());
    }

    /// <summary>The next server request of <paramref name="type"/> that matches, received before or after the call.</summary>
    public async Task<JsonElement> NextAsync(string type, Func<JsonElement, bool>? predicate, CancellationToken ct)
    {
        bool Matches(JsonElement m) => m.GetProperty("type").GetString() == type && (predicate?.Invoke(m.GetProperty("body")) ?? true);
        lock (_unmatched)
        {
            var index = _unmatched.FindIndex(Matches);
            if (index >= 0)
            {
                var found = _unmatched[index];
                _unmatched.RemoveAt(index);
                return found.GetProperty("body");
            }
        }

        while (true)
        {
            var message = await _received.Reader.ReadAsync(ct);
            if (Matches(message))
            {
                return message.GetProperty("body");
            }

            lock (_unmatched)
            {
                _unmatched.Add(message);
            }
        }
    }

    /// <summary>Answers a server request as clients do, echoing its request id.</summary>
    public Task AckAsync(string responseType, JsonElement request) =>
        SendOnStreamAsync(responseType, new { resultCode = 200, errorCode = 0, requestId = request.GetProperty("requestId").GetString() });

    private async Task ReadAsync()
    {
        try
        {
            while (await _call!.ResponseStream.MoveNext(CancellationToken.None))
            {
                var payload = _call.ResponseStream.Current;
                using var body = JsonDocument.Parse(payload.Body.Value.Memory);
                var message = JsonSerializer.SerializeToElement(new { type = payload.Metadata.Type, body = body.RootElement });
                lock (Received)
                {
                    Received.Add(message);
                }

                await _received.Writer.WriteAsync(message);
            }
        }
        catch (RpcException)
        {
            // The stream ended abnormally; Ended says so either way.
        }
        finally
        {
            Ended.TrySetResult();
        }
    }

    private static Payload Build(string type, object body, Dictionary<string, string>? headers)
    {
        var metadata = new WireMetadata { Type = type, ClientIp = "127.0.0.1" };
        if (headers is not null)
        {
            metadata.Headers.Add(headers);
        }

        return new Payload
        {
            Metadata = metadata,
            Body = new Any { TypeUrl = type, Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(body)) },
        };
    }

    public async ValueTask DisposeAsync()
    {
        _call?.Dispose();
        if (_reader is not null)
        {
            await _reader;
        }

        _channel.Dispose();
    }
}
