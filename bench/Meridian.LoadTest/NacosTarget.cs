using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Meridian.Protocols.Nacos.Grpc.Wire;
using WireMetadata = Meridian.Protocols.Nacos.Grpc.Wire.Metadata;

namespace Meridian.LoadTest;

/// <summary>
/// The Nacos 2.x gRPC protocol on Meridian's client-connection port, as the Nacos SDKs speak it: one HTTP/2
/// connection per client carrying the <c>ConnectionSetupRequest</c> stream and unary JSON requests, the access key as
/// the <c>accessToken</c> header, pushes acked with <c>NotifySubscriberResponse</c>.
/// </summary>
internal sealed class NacosTarget(Settings settings, string key)
{
    private static readonly Marshaller<Payload> Marshaller = Marshallers.Create(
        static (Payload p, SerializationContext c) => c.Complete(p.ToByteArray()),
        static c => Payload.Parser.ParseFrom(c.PayloadAsReadOnlySequence()));

    private static readonly Method<Payload, Payload> Unary = new(MethodType.Unary, "Request", "request", Marshaller, Marshaller);
    private static readonly Method<Payload, Payload> Stream = new(MethodType.DuplexStreaming, "BiRequestStream", "requestBiStream", Marshaller, Marshaller);

    public int Pid => settings.MeridianPid;

    /// <summary>Registers ephemeral instances with <c>InstanceRequest</c>, one Nacos connection per worker.</summary>
    public async Task<Measurement> RegisterAsync(string prefix, int count, TimeSpan limit, CancellationToken ct)
    {
        var connections = new Connection[settings.Concurrency];
        for (var w = 0; w < connections.Length; w++)
        {
            connections[w] = await OpenAsync(ct);
        }

        try
        {
            return await Load.RunAsync(Pid, settings.Concurrency, count, limit, async (i, w, c) =>
            {
                var service = Naming.Service(prefix, i, Naming.Services(count));
                var body = string.Create(CultureInfo.InvariantCulture,
                    $$"""{"type":"registerInstance","namespace":"public","groupName":"DEFAULT_GROUP","serviceName":"{{service}}","instance":{"ip":"{{Naming.Ip(i)}}","port":{{Naming.Port(i)}},"weight":1.0,"healthy":true,"enabled":true,"ephemeral":true,"clusterName":"DEFAULT","metadata":{} """) + "}}";
                var (type, answer) = await connections[w].RequestAsync("InstanceRequest", body, c);
                if (type != "InstanceResponse")
                {
                    throw new InvalidOperationException($"Register was refused: {type} {answer}");
                }
            }, ct);
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>
    /// One instance change pushed to <paramref name="subscribers"/> Nacos connections subscribed to the service; each
    /// change adds an instance, so a subscriber has change n once its pushed list holds n + 1 hosts.
    /// </summary>
    public async Task<FanOutResult> PushFanOutAsync(HttpClient http, int subscribers, int changes, CancellationToken ct)
    {
        var setup = Stopwatch.StartNew();
        var service = string.Create(CultureInfo.InvariantCulture, $"fanout-nacos-{subscribers}");
        await Http.SendAsync(http, HttpMethod.Post, MeridianTarget.Instances(service), MeridianTarget.Registration(0), ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var hosts = new int[subscribers];
        Arrivals? current = null;
        var target = int.MaxValue;
        var subscribed = new Arrivals(subscribers);
        var connections = new Connection[subscribers];
        var readers = new Task[subscribers];
        try
        {
            using (var opening = new SemaphoreSlim(64))
            {
                await Task.WhenAll(Enumerable.Range(0, subscribers).Select(async j =>
                {
                    await opening.WaitAsync(ct);
                    try
                    {
                        var connection = connections[j] = await OpenAsync(stop.Token);
                        readers[j] = Task.Run(() => connection.ReadPushesAsync(count =>
                        {
                            Volatile.Write(ref hosts[j], count);
                            subscribed.Arrived(j);
                            if (count >= Volatile.Read(ref target))
                            {
                                Volatile.Read(ref current)?.Arrived(j);
                            }
                        }, stop.Token), CancellationToken.None);
                        var body = $$"""{"subscribe":true,"clusters":"","namespace":"public","groupName":"DEFAULT_GROUP","serviceName":"{{service}}"}""";
                        var (type, answer) = await connection.RequestAsync("SubscribeServiceRequest", body, ct);
                        if (type != "SubscribeServiceResponse")
                        {
                            throw new InvalidOperationException($"Subscribe was refused: {type} {answer}");
                        }
                    }
                    finally
                    {
                        opening.Release();
                    }
                }));
            }

            subscribed.Start = Stopwatch.GetTimestamp();
            if (!await subscribed.WaitAsync(TimeSpan.FromSeconds(90), ct))
            {
                throw new TimeoutException($"Not all {subscribers} Nacos subscriptions got their first push within 90 s.");
            }

            var setupSeconds = setup.Elapsed.TotalSeconds;
            var trials = new List<Arrivals>();
            var cpu = 0.0;
            for (var change = 1; change <= changes; change++)
            {
                var arrivals = new Arrivals(subscribers);
                Volatile.Write(ref target, change + 1);
                Volatile.Write(ref current, arrivals);
                var cpuBefore = ProcessStats.CpuSeconds(Pid);
                arrivals.Start = Stopwatch.GetTimestamp();
                await Http.SendAsync(http, HttpMethod.Post, MeridianTarget.Instances(service), MeridianTarget.Registration(change), ct);
                if (!await arrivals.WaitAsync(TimeSpan.FromSeconds(60), ct))
                {
                    throw new TimeoutException($"Not all {subscribers} Nacos subscribers got the change within 60 s.");
                }

                cpu += ProcessStats.CpuSeconds(Pid) - cpuBefore;
                trials.Add(arrivals);
            }

            return FanOutSummary.From(subscribers, trials, setupSeconds, cpu);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers.Where(r => r is not null));
            foreach (var connection in connections)
            {
                connection?.Dispose();
            }
        }
    }

    private async Task<Connection> OpenAsync(CancellationToken ct)
    {
        // One HTTP/2 connection per Nacos connection: its id is the transport connection's.
        var channel = GrpcChannel.ForAddress(settings.MeridianGrpc, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = false,
                UseProxy = false,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = Timeout.InfiniteTimeSpan,
            },
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
        var invoker = channel.CreateCallInvoker();
        var stream = invoker.AsyncDuplexStreamingCall(Stream, null, new CallOptions(cancellationToken: ct));
        await stream.RequestStream.WriteAsync(Build("ConnectionSetupRequest",
            """{"clientVersion":"meridian-loadtest","tenant":"","labels":{"AppName":"loadtest"},"abilities":{},"headers":{}}""", null), ct);
        var connection = new Connection(channel, invoker, stream, key);
        var (type, answer) = await connection.RequestAsync("HealthCheckRequest", "{}", ct);
        return type == "HealthCheckResponse" ? connection : throw new InvalidOperationException($"The Nacos connection did not set up: {type} {answer}");
    }

    private static Payload Build(string type, string json, string? accessToken)
    {
        var metadata = new WireMetadata { Type = type, ClientIp = "127.0.0.1" };
        if (accessToken is not null)
        {
            metadata.Headers.Add("accessToken", accessToken);
        }

        return new Payload { Metadata = metadata, Body = new Any { TypeUrl = type, Value = ByteString.CopyFromUtf8(json) } };
    }

    private sealed class Connection(GrpcChannel channel, CallInvoker invoker, AsyncDuplexStreamingCall<Payload, Payload> stream, string key) : IDisposable
    {
        private readonly SemaphoreSlim _writing = new(1, 1);

        public async Task<(string Type, string Body)> RequestAsync(string type, string json, CancellationToken ct)
        {
            var answer = await invoker.AsyncUnaryCall(Unary, null, new CallOptions(cancellationToken: ct), Build(type, json, key));
            return (answer.Metadata.Type, answer.Body.Value.ToStringUtf8());
        }

        /// <summary>Reads pushes, acking each; reports the number of hosts in every service push.</summary>
        public async Task ReadPushesAsync(Action<int> hosts, CancellationToken ct)
        {
            try
            {
                while (await stream.ResponseStream.MoveNext(ct))
                {
                    var payload = stream.ResponseStream.Current;
                    using var body = JsonDocument.Parse(payload.Body.Value.Memory);
                    var requestId = body.RootElement.TryGetProperty("requestId", out var id) ? id.GetString() : null;
                    if (payload.Metadata.Type == "NotifySubscriberRequest")
                    {
                        hosts(body.RootElement.GetProperty("serviceInfo").GetProperty("hosts").GetArrayLength());
                        await AckAsync("NotifySubscriberResponse", requestId, ct);
                    }
                    else if (payload.Metadata.Type == "ClientDetectionRequest")
                    {
                        await AckAsync("ClientDetectionResponse", requestId, ct);
                    }
                }
            }
            catch (Exception e) when ((e is RpcException or OperationCanceledException) && ct.IsCancellationRequested)
            {
                // Done.
            }
        }

        private async Task AckAsync(string type, string? requestId, CancellationToken ct)
        {
            await _writing.WaitAsync(ct);
            try
            {
                await stream.RequestStream.WriteAsync(Build(type, string.Create(CultureInfo.InvariantCulture,
                    $$"""{"resultCode":200,"errorCode":0,"requestId":"{{requestId}}"}"""), null), ct);
            }
            finally
            {
                _writing.Release();
            }
        }

        public void Dispose()
        {
            stream.Dispose();
            channel.Dispose();
            _writing.Dispose();
        }
    }
}
