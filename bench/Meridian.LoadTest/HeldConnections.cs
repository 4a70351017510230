using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Meridian.Contracts.V1;

namespace Meridian.LoadTest;

/// <summary>What holding many client connections costs the server, and how fast one change reaches all of them.</summary>
internal sealed record HeldConnectionsResult(
    int Connections,
    int SourceAddresses,
    double SetupSeconds,
    double BytesPerConnection,
    double IdleCores,
    double PingsPerSecond,
    FanOutResult FanOut)
{
    /// <summary>How many the run asked for; more than <see cref="Connections"/> when the open-file limit held it back.</summary>
    public int Requested { get; init; } = Connections;

    public int FileLimit { get; init; }
}

/// <summary>
/// Holds N client connections to one server, each an HTTP/2 connection of its own (its own <see cref="GrpcChannel"/>,
/// as N apps would have), each subscribed to one service and pinging the server at the .NET client's default interval
/// (<c>Connection:PingInterval</c>, 1 s, when it has heard nothing). Loopback offers ~28k ephemeral ports per source
/// address, so the connections spread over 127.0.0.2, 127.0.0.3, … (every 127/8 address is the loopback interface).
/// It reads the server's resident memory before and after (per connection), its CPU over an idle stretch where only the
/// pings flow, and the time until the last connection has one instance change, over several changes.
/// </summary>
internal sealed class HeldConnections(Settings settings, string key)
{
    private const int PerSourceAddress = 20_000;
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(1);
    private readonly Metadata _credentials = new() { { "authorization", "Bearer " + key } };

    public async Task<HeldConnectionsResult> RunAsync(int count, int changes, HttpClient api, CancellationToken ct)
    {
        var service = string.Create(CultureInfo.InvariantCulture, $"held-{count}");
        await Http.SendAsync(api, HttpMethod.Post, MeridianTarget.Instances(service), MeridianTarget.Registration(0), ct);
        var addresses = (count + PerSourceAddress - 1) / PerSourceAddress;
        var before = await SettledResidentAsync(ct);
        var setup = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var held = new Held[count];
        var subscribed = new Arrivals(count);
        Arrivals? current = null;
        long target = long.MaxValue;
        try
        {
            using (var opening = new SemaphoreSlim(256))
            {
                await Task.WhenAll(Enumerable.Range(0, count).Select(async j =>
                {
                    await opening.WaitAsync(ct);
                    try
                    {
                        var source = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"127.0.0.{2 + (j % addresses)}"));
                        held[j] = await OpenAsync(source, "loadtest-held-" + j.ToString(CultureInfo.InvariantCulture), service, stop.Token);
                        held[j].Reader = ReadAsync(held[j], j, subscribed, () => Volatile.Read(ref current), () => Volatile.Read(ref target), stop.Token);
                    }
                    finally
                    {
                        opening.Release();
                    }
                }));
            }

            subscribed.Start = Stopwatch.GetTimestamp();
            if (!await subscribed.WaitAsync(TimeSpan.FromSeconds(120), ct))
            {
                throw new TimeoutException($"Not all {count} connections got their first push within 120 s.");
            }

            var setupSeconds = setup.Elapsed.TotalSeconds;
            var pinger = PingAsync(held, stop.Token);

            // Idle: nothing changes, every connection pings once a second.
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            var pingsBefore = Interlocked.Read(ref _pings);
            var cpuBefore = ProcessStats.CpuSeconds(settings.MeridianPid);
            var idle = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            var idleCores = (ProcessStats.CpuSeconds(settings.MeridianPid) - cpuBefore) / idle.Elapsed.TotalSeconds;
            var pingsPerSecond = (Interlocked.Read(ref _pings) - pingsBefore) / idle.Elapsed.TotalSeconds;
            var after = ProcessStats.ResidentBytes(settings.MeridianPid);

            var trials = new List<Arrivals>();
            var cpu = 0.0;
            for (var change = 1; change <= changes; change++)
            {
                var revision = held.Max(h => Volatile.Read(ref h.Revision));
                var arrivals = new Arrivals(count);
                Volatile.Write(ref target, revision + 1);
                Volatile.Write(ref current, arrivals);
                var changeCpu = ProcessStats.CpuSeconds(settings.MeridianPid);
                arrivals.Start = Stopwatch.GetTimestamp();
                await Http.SendAsync(api, HttpMethod.Post, MeridianTarget.Instances(service), MeridianTarget.Registration(change), ct);
                if (!await arrivals.WaitAsync(TimeSpan.FromSeconds(60), ct))
                {
                    throw new TimeoutException($"Not all {count} held connections got the change within 60 s.");
                }

                cpu += ProcessStats.CpuSeconds(settings.MeridianPid) - changeCpu;
                trials.Add(arrivals);
            }

            await stop.CancelAsync();
            await pinger;
            return new HeldConnectionsResult(count, addresses, setupSeconds, (after - before) / (double)count, idleCores, pingsPerSecond,
                FanOutSummary.From(count, trials, setupSeconds, cpu));
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var h in held)
            {
                if (h?.Reader is { } reader)
                {
                    await reader;
                }

                h?.Dispose();
            }
        }
    }

    private long _pings;

    /// <summary>One ping per connection per interval, spread evenly across it, as many independent clients would send them.</summary>
    private async Task PingAsync(Held[] held, CancellationToken ct)
    {
        var perTick = Math.Max(1, held.Length / 100);
        using var timer = new PeriodicTimer(PingInterval / 100);
        var next = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                for (var i = 0; i < perTick; i++, next = (next + 1) % held.Length)
                {
                    var h = held[next];
                    if (h.Writing.Wait(0, CancellationToken.None))
                    {
                        _ = SendPingAsync(h, ct);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Run over.
        }
    }

    private async Task SendPingAsync(Held h, CancellationToken ct)
    {
        try
        {
            await h.Call.RequestStream.WriteAsync(new ClientMessage { Ping = new Ping { SentAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }, ct);
            Interlocked.Increment(ref _pings);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or InvalidOperationException)
        {
            // The run is ending, or this connection is.
        }
        finally
        {
            h.Writing.Release();
        }
    }

    private static async Task ReadAsync(Held h, int j, Arrivals subscribed, Func<Arrivals?> current, Func<long> target, CancellationToken ct)
    {
        try
        {
            while (await h.Call.ResponseStream.MoveNext(ct))
            {
                var m = h.Call.ResponseStream.Current;
                if (m.BodyCase == ServerMessage.BodyOneofCase.ServicePush)
                {
                    var revision = m.ServicePush.Revision;
                    Volatile.Write(ref h.Revision, revision);
                    subscribed.Arrived(j);
                    if (revision >= target())
                    {
                        current()?.Arrived(j);
                    }
                }
            }
        }
        catch (RpcException) when (ct.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task<Held> OpenAsync(IPAddress source, string clientId, string service, CancellationToken ct)
    {
        var channel = GrpcChannel.ForAddress(settings.MeridianGrpc, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                UseProxy = false,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = Timeout.InfiniteTimeSpan,
                ConnectCallback = async (context, token) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(source, 0));
                        await socket.ConnectAsync(context.DnsEndPoint, token);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            },
        });
        AsyncDuplexStreamingCall<ClientMessage, ServerMessage> call;
        try
        {
            call = await MeridianTarget.OpenAsync(new Connection.ConnectionClient(channel), _credentials, clientId, ct);
        }
        catch
        {
            channel.Dispose();
            throw;
        }

        var held = new Held(channel, call);
        try
        {
            await call.RequestStream.WriteAsync(new ClientMessage
            {
                RequestId = 1,
                SubscribeService = new SubscribeService { Service = new ServiceRef { Namespace = "public", Group = "DEFAULT_GROUP", Service = service } },
            }, ct);
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Resident memory with the heartbeat-free server left alone for a moment, so the reading is not mid-burst.</summary>
    private async Task<long> SettledResidentAsync(CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        return ProcessStats.ResidentBytes(settings.MeridianPid);
    }

    private sealed class Held(GrpcChannel channel, AsyncDuplexStreamingCall<ClientMessage, ServerMessage> call) : IDisposable
    {
        public long Revision;

        public GrpcChannel Channel { get; } = channel;

        public AsyncDuplexStreamingCall<ClientMessage, ServerMessage> Call { get; } = call;

        /// <summary>gRPC allows one write at a time on a request stream; a ping waits for none, it skips a busy one.</summary>
        public SemaphoreSlim Writing { get; } = new(1, 1);

        public Task? Reader { get; set; }

        public void Dispose()
        {
            Call.Dispose();
            Channel.Dispose();
            Writing.Dispose();
        }
    }
}
