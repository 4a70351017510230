using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Meridian.Contracts.V1;

namespace Meridian.LoadTest;

/// <summary>
/// The Meridian side: the native HTTP API over pooled HTTP/1.1 connections, and the gRPC client connection. Every call
/// carries an access key, as a deployed client's would: the load test logs in as the administrator once, creates a key
/// scoped to what the suite does, and sends it as <c>Authorization: Bearer mrd_...</c> (HTTP header, gRPC metadata).
/// </summary>
internal sealed class MeridianTarget : IDisposable
{
    private const string Ns = "public";
    private const string Group = "DEFAULT_GROUP";
    private readonly Settings _settings;
    private readonly string _key;
    private readonly HttpClient _http;
    private readonly HttpClient[] _nodes;
    private readonly Metadata _credentials;

    private MeridianTarget(Settings settings, string key)
    {
        _settings = settings;
        _key = key;
        _http = Http.Client(settings.MeridianHttp, settings.Concurrency, key);
        _nodes = [.. settings.MeridianNodes.Select(node => Http.Client(node, 1, key))];
        _credentials = new Metadata { { "authorization", "Bearer " + key } };
    }

    /// <summary>Logs in (<c>POST /v1/auth/token</c>) and creates the suite's access key (<c>POST /v1/auth/keys</c>).</summary>
    public static async Task<MeridianTarget> ConnectAsync(Settings settings, CancellationToken ct)
    {
        var key = await AccessKeys.CreateAsync(settings.MeridianHttp, settings.MeridianUser, settings.MeridianPassword, ct);
        return new MeridianTarget(settings, key);
    }

    public int Pid => _settings.MeridianPid;

    /// <summary>The suite's access key, which the Nacos rows send as their accessToken.</summary>
    public string Key => _key;

    /// <summary>The native HTTP API client, carrying the key.</summary>
    public HttpClient Api => _http;

    internal static string Instances(string service) => $"v1/namespaces/{Ns}/groups/{Group}/services/{service}/instances";

    internal static string Config(string dataId) => $"v1/namespaces/{Ns}/groups/{Group}/configs/{dataId}";

    internal static byte[] Registration(long i) => Http.Json(string.Create(CultureInfo.InvariantCulture,
        $$"""{"ip":"{{Naming.Ip(i)}}","port":{{Naming.Port(i)}},"ephemeral":true,"instanceId":"{{Naming.InstanceId(i)}}"}"""));

    public Task<Measurement> RegisterAsync(string prefix, int count, TimeSpan limit, CancellationToken ct) =>
        Load.RunAsync(Pid, _settings.Concurrency, count, limit, async (i, _, c) =>
            await Http.SendAsync(_http, HttpMethod.Post, Instances(Naming.Service(prefix, i, Naming.Services(count))), Registration(i), c), ct);

    /// <summary>Registers <paramref name="count"/> instances into the one service <paramref name="service"/>.</summary>
    public Task<Measurement> RegisterIntoOneServiceAsync(string service, int count, TimeSpan limit, BlockClock clock, CancellationToken ct) =>
        Load.RunAsync(Pid, _settings.Concurrency, count, limit, async (i, _, c) =>
            await Http.SendAsync(_http, HttpMethod.Post, Instances(service), Registration(i), c), ct, clock.Completed);

    public Task<Measurement> HeartbeatAsync(string prefix, int instances, TimeSpan duration, CancellationToken ct) =>
        Load.RunAsync(Pid, _settings.Concurrency, long.MaxValue, duration, async (i, _, c) =>
        {
            var n = i % instances;
            var path = Instances(Naming.Service(prefix, n, Naming.Services(instances))) + "/" + Naming.InstanceId(n) + "/heartbeat";
            await Http.SendAsync(_http, HttpMethod.Put, path, null, c);
        }, ct);

    public Task<Measurement> ListAsync(string service, TimeSpan duration, CancellationToken ct)
    {
        var path = Instances(service) + "?healthyOnly=true";
        return Load.RunAsync(Pid, _settings.Concurrency, long.MaxValue, duration, async (_, _, c) => await Http.SendAsync(_http, HttpMethod.Get, path, null, c), ct);
    }

    public async Task<int> CountInstancesAsync(string service, CancellationToken ct)
    {
        var body = await Http.SendAsync(_http, HttpMethod.Get, Instances(service) + "?healthyOnly=true", null, ct);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("instances").GetArrayLength();
    }

    public async Task<string> PublishAsync(string dataId, string content, CancellationToken ct)
    {
        var body = await Http.SendAsync(_http, HttpMethod.Put, Config(dataId), PublishBody(content), ct);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("md5").GetString() ?? throw new InvalidOperationException("The publish answer has no md5.");
    }

    internal static byte[] PublishBody(string content) => JsonSerializer.SerializeToUtf8Bytes(new PublishBody(content, "text"), LoadTestJson.Default.PublishBody);

    public Task<Measurement> ConfigGetAsync(string dataId, TimeSpan duration, CancellationToken ct)
    {
        var path = Config(dataId);
        return Load.RunAsync(Pid, _settings.Concurrency, long.MaxValue, duration, async (_, _, c) => await Http.SendAsync(_http, HttpMethod.Get, path, null, c), ct);
    }

    public Task<Measurement> ConfigPublishAsync(string prefix, int count, TimeSpan duration, int bytes, CancellationToken ct) =>
        Load.RunAsync(Pid, _settings.Concurrency, count, duration, async (i, _, c) =>
            await Http.SendAsync(_http, HttpMethod.Put, Config(string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}")), PublishBody(Naming.ConfigContent(i, bytes)), c), ct);

    /// <summary>
    /// Holds one long-poll per subscriber on a config, each on its own connection, waits until the server lists them
    /// all, then publishes once and times each answer from just before the publish.
    /// </summary>
    public async Task<FanOutResult> LongPollFanOutAsync(int subscribers, int changes, CancellationToken ct)
    {
        var setup = Stopwatch.StartNew();
        using var pollers = Http.Client(_settings.MeridianHttp, subscribers + 8, _key);
        var dataId = string.Create(CultureInfo.InvariantCulture, $"fanout-{subscribers}");
        var md5 = await PublishAsync(dataId, Naming.ConfigContent(0, 256), ct);
        var trials = new List<Arrivals>();
        var cpu = 0.0;
        var setupSeconds = 0.0;
        for (var change = 1; change <= changes; change++)
        {
            var arrivals = new Arrivals(subscribers);
            var listen = Http.Json(string.Create(CultureInfo.InvariantCulture,
                $$"""{"timeoutMs":110000,"clientId":"CLIENT","keys":[{"namespace":"{{Ns}}","group":"{{Group}}","dataId":"{{dataId}}","md5":"{{md5}}"}]}"""));
            var polls = new Task[subscribers];
            for (var j = 0; j < subscribers; j++)
            {
                var subscriber = j;
                var body = Http.Json(Http.Utf8(listen).Replace("CLIENT", "fan" + subscriber.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
                polls[j] = Task.Run(async () =>
                {
                    try
                    {
                        var answer = await Http.SendAsync(pollers, HttpMethod.Post, "v1/configs/listener", body, ct);
                        if (answer.Length < 20)
                        {
                            throw new InvalidOperationException("A long-poll answered without the change: " + Http.Utf8(answer));
                        }

                        arrivals.Arrived(subscriber);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        arrivals.Fail(e);
                    }
                }, ct);
            }

            await WaitForListenersAsync(dataId, subscribers, arrivals, ct);
            if (change == 1)
            {
                setupSeconds = setup.Elapsed.TotalSeconds;
            }

            var cpuBefore = ProcessStats.CpuSeconds(Pid);
            arrivals.Start = Stopwatch.GetTimestamp();
            md5 = await PublishAsync(dataId, Naming.ConfigContent(change, 256), ct);
            if (!await arrivals.WaitAsync(TimeSpan.FromSeconds(60), ct))
            {
                throw new TimeoutException($"Only some of {subscribers} long-polls answered within 60 s.");
            }

            cpu += ProcessStats.CpuSeconds(Pid) - cpuBefore;
            await Task.WhenAll(polls);
            trials.Add(arrivals);
        }

        return FanOutSummary.From(subscribers, trials, setupSeconds, cpu);
    }

    private async Task WaitForListenersAsync(string dataId, int expected, Arrivals arrivals, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            // Each node lists the long-polls it holds itself: behind a load balancer, the sum over the nodes.
            var count = 0;
            foreach (var node in _nodes.Length > 0 ? _nodes : [_http])
            {
                var body = await Http.SendAsync(node, HttpMethod.Get, Config(dataId) + "/listeners", null, ct);
                using var doc = JsonDocument.Parse(body);
                count += doc.RootElement.GetArrayLength();
            }
            if (count >= expected)
            {
                return;
            }

            if (arrivals.All.IsFaulted)
            {
                await arrivals.All;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"Only {count} of {expected} long-polls were held after 90 s.");
            }

            await Task.Delay(50, ct);
        }
    }

    private GrpcChannel Channel() => GrpcChannel.ForAddress(_settings.MeridianGrpc, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            UseProxy = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = Timeout.InfiniteTimeSpan,
        },
        MaxReceiveMessageSize = 64 * 1024 * 1024,
    });

    private Task<AsyncDuplexStreamingCall<ClientMessage, ServerMessage>> OpenAsync(Connection.ConnectionClient client, string clientId, CancellationToken ct) =>
        OpenAsync(client, _credentials, clientId, ct);

    /// <summary>Opens a client connection as the .NET client does: Hello with the access key, then waits for Welcome.</summary>
    internal static async Task<AsyncDuplexStreamingCall<ClientMessage, ServerMessage>> OpenAsync(Connection.ConnectionClient client, Metadata credentials,
        string clientId, CancellationToken ct)
    {
        var call = client.Connect(credentials, cancellationToken: ct);
        await call.RequestStream.WriteAsync(new ClientMessage { Hello = new Hello { ClientId = clientId, ClientName = "meridian-loadtest" } }, ct);
        while (await call.ResponseStream.MoveNext(ct))
        {
            if (call.ResponseStream.Current.BodyCase == ServerMessage.BodyOneofCase.Welcome)
            {
                return call;
            }
        }

        throw new InvalidOperationException("The connection closed before Welcome.");
    }

    /// <summary>Registers instances over client connections, one connection per worker, each waiting for its Ack.</summary>
    public async Task<Measurement> RegisterOverConnectionAsync(string prefix, int count, TimeSpan limit, CancellationToken ct)
    {
        using var channel = Channel();
        var client = new Connection.ConnectionClient(channel);
        var calls = new AsyncDuplexStreamingCall<ClientMessage, ServerMessage>[_settings.Concurrency];
        for (var w = 0; w < calls.Length; w++)
        {
            calls[w] = await OpenAsync(client, $"loadtest-register-{prefix}-{w}", ct);
        }

        try
        {
            return await Load.RunAsync(Pid, _settings.Concurrency, count, limit, async (i, w, c) =>
            {
                var call = calls[w];
                var id = (ulong)i + 1;
                await call.RequestStream.WriteAsync(new ClientMessage
                {
                    RequestId = id,
                    RegisterInstance = new RegisterInstance
                    {
                        Service = new ServiceRef { Namespace = Ns, Group = Group, Service = Naming.Service(prefix, i, Naming.Services(count)) },
                        InstanceId = Naming.InstanceId(i),
                        Ip = Naming.Ip(i),
                        Port = Naming.Port(i),
                        Ephemeral = true,
                    },
                }, c);
                while (await call.ResponseStream.MoveNext(c))
                {
                    var m = call.ResponseStream.Current;
                    if (m.BodyCase == ServerMessage.BodyOneofCase.Ack && m.Ack.RequestId == id)
                    {
                        if (!m.Ack.Ok)
                        {
                            throw new InvalidOperationException($"Register was refused: {m.Ack.ErrorCode}: {m.Ack.ErrorMessage}");
                        }

                        return;
                    }

                    if (m.BodyCase == ServerMessage.BodyOneofCase.Ping)
                    {
                        await call.RequestStream.WriteAsync(new ClientMessage { Pong = new Pong { SentAtMs = m.Ping.SentAtMs } }, c);
                    }
                }

                throw new InvalidOperationException("The connection closed before the Ack.");
            }, ct);
        }
        finally
        {
            foreach (var call in calls)
            {
                await call.RequestStream.CompleteAsync();
                call.Dispose();
            }
        }
    }

    /// <summary>
    /// Subscribes one client connection per subscriber to a service, then changes the service (one instance registers)
    /// and times each connection's push of the new revision from just before the change.
    /// </summary>
    public async Task<FanOutResult> ServicePushFanOutAsync(int subscribers, int changes, CancellationToken ct)
    {
        var setup = Stopwatch.StartNew();
        var service = string.Create(CultureInfo.InvariantCulture, $"fanout-push-{subscribers}");
        await Http.SendAsync(_http, HttpMethod.Post, Instances(service), Registration(0), ct);
        using var channel = Channel();
        var client = new Connection.ConnectionClient(channel);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var revisions = new long[subscribers];
        Arrivals? current = null;
        long target = long.MaxValue;
        var subscribed = new Arrivals(subscribers);
        var readers = new Task[subscribers];
        var calls = new AsyncDuplexStreamingCall<ClientMessage, ServerMessage>[subscribers];
        try
        {
            using (var opening = new SemaphoreSlim(256))
            {
                var opens = Enumerable.Range(0, subscribers).Select(async j =>
                {
                    await opening.WaitAsync(ct);
                    try
                    {
                        var call = calls[j] = await OpenAsync(client, "loadtest-fan-" + j.ToString(CultureInfo.InvariantCulture), stop.Token);
                        await call.RequestStream.WriteAsync(new ClientMessage
                        {
                            RequestId = 1,
                            SubscribeService = new SubscribeService { Service = new ServiceRef { Namespace = Ns, Group = Group, Service = service } },
                        }, ct);
                        readers[j] = Task.Run(async () =>
                        {
                            try
                            {
                                while (await call.ResponseStream.MoveNext(stop.Token))
                                {
                                    var m = call.ResponseStream.Current;
                                    if (m.BodyCase == ServerMessage.BodyOneofCase.ServicePush)
                                    {
                                        var revision = m.ServicePush.Revision;
                                        Volatile.Write(ref revisions[j], revision);
                                        subscribed.Arrived(j);
                                        if (revision >= Volatile.Read(ref target))
                                        {
                                            Volatile.Read(ref current)?.Arrived(j);
                                        }
                                    }
                                    else if (m.BodyCase == ServerMessage.BodyOneofCase.Ping)
                                    {
                                        await call.RequestStream.WriteAsync(new ClientMessage { Pong = new Pong { SentAtMs = m.Ping.SentAtMs } }, stop.Token);
                                    }
                                }
                            }
                            catch (RpcException) when (stop.IsCancellationRequested)
                            {
                            }
                            catch (OperationCanceledException) when (stop.IsCancellationRequested)
                            {
                            }
                        }, CancellationToken.None);
                    }
                    finally
                    {
                        opening.Release();
                    }
                });
                await Task.WhenAll(opens);
            }

            subscribed.Start = Stopwatch.GetTimestamp();
            if (!await subscribed.WaitAsync(TimeSpan.FromSeconds(90), ct))
            {
                throw new TimeoutException($"Not all {subscribers} subscriptions got their first push within 90 s.");
            }

            var setupSeconds = setup.Elapsed.TotalSeconds;
            var trials = new List<Arrivals>();
            var cpu = 0.0;
            for (var change = 1; change <= changes; change++)
            {
                var settled = Stopwatch.StartNew();
                while (revisions.Min() != revisions.Max() && settled.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(20, ct);
                }

                var arrivals = new Arrivals(subscribers);
                Volatile.Write(ref target, revisions.Max() + 1);
                Volatile.Write(ref current, arrivals);
                var cpuBefore = ProcessStats.CpuSeconds(Pid);
                arrivals.Start = Stopwatch.GetTimestamp();
                await Http.SendAsync(_http, HttpMethod.Post, Instances(service), Registration(change), ct);
                if (!await arrivals.WaitAsync(TimeSpan.FromSeconds(60), ct))
                {
                    throw new TimeoutException($"Not all {subscribers} subscribers got the change within 60 s.");
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
            foreach (var call in calls)
            {
                call?.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }
}

internal sealed record PublishBody(string Content, string Type);

internal sealed record TokenRequest(string Username, string Password);

internal sealed record KeyRequest(string Name, string[] Namespaces, string[] Scopes, DateTimeOffset ExpiresAt);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(PublishBody))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TokenRequest))]
[System.Text.Json.Serialization.JsonSerializable(typeof(KeyRequest))]
internal sealed partial class LoadTestJson : System.Text.Json.Serialization.JsonSerializerContext;
