using System.Diagnostics;
using System.Globalization;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Meridian.LoadTest;

/// <summary>
/// The etcd side, through dotnet-etcd: an instance is a key under <c>/services/{service}/</c> bound to its own lease
/// (how etcd-based registries give each instance its own expiry), a heartbeat is a lease keep-alive, an instance list
/// is a prefix range, a config is a key, a subscriber is a watch.
/// </summary>
internal sealed class EtcdTarget : IDisposable
{
    private const int Channels = 8;
    /// <summary>One watch stream per subscriber, as separate clients would have; Meridian's subscribers each have their own too.</summary>
    private const int WatchersPerStream = 1;
    private readonly Settings _settings;
    private readonly GrpcChannel[] _channels;
    private readonly EtcdClient[] _clients;
    private readonly Dictionary<string, long[]> _leases = new(StringComparer.Ordinal);

    public EtcdTarget(Settings settings)
    {
        _settings = settings;
        _channels = [.. Enumerable.Range(0, Channels).Select(_ => GrpcChannel.ForAddress(settings.Etcd, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                UseProxy = false,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            },
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        }))];
        _clients = [.. _channels.Select(c => new EtcdClient(c.CreateCallInvoker()))];
    }

    public int Pid => _settings.EtcdPid;

    private EtcdClient Client(int worker) => _clients[worker % Channels];

    private static ByteString Key(string s) => ByteString.CopyFromUtf8(s);

    private static string InstanceKey(string prefix, long i, int count) =>
        "/services/" + Naming.Service(prefix, i, Naming.Services(count)) + "/" + Naming.InstanceId(i);

    public static string ServicePrefix(string service) => "/services/" + service + "/";

    public async Task<Measurement> RegisterAsync(string prefix, int count, TimeSpan limit, CancellationToken ct)
    {
        var leases = _leases[prefix] = new long[count];
        var result = await Load.RunAsync(Pid, _settings.Concurrency, count, limit, async (i, w, c) =>
        {
            var client = Client(w);
            var lease = await client.LeaseGrantAsync(new LeaseGrantRequest { TTL = 900 }, cancellationToken: c);
            var value = string.Create(CultureInfo.InvariantCulture, $$"""{"ip":"{{Naming.Ip(i)}}","port":{{Naming.Port(i)}}}""");
            await client.PutAsync(new PutRequest { Key = Key(InstanceKey(prefix, i, count)), Value = Key(value), Lease = lease.ID }, cancellationToken: c);
            leases[i] = lease.ID;
        }, ct);
        return result;
    }

    /// <summary>Registers <paramref name="count"/> instances under the one service prefix <paramref name="service"/>, each with its lease.</summary>
    public Task<Measurement> RegisterIntoOneServiceAsync(string service, int count, TimeSpan limit, BlockClock clock, CancellationToken ct) =>
        Load.RunAsync(Pid, _settings.Concurrency, count, limit, async (i, w, c) =>
        {
            var client = Client(w);
            var lease = await client.LeaseGrantAsync(new LeaseGrantRequest { TTL = 900 }, cancellationToken: c);
            var value = string.Create(CultureInfo.InvariantCulture, $$"""{"ip":"{{Naming.Ip(i)}}","port":{{Naming.Port(i)}}}""");
            await client.PutAsync(new PutRequest { Key = Key($"/services/{service}/{Naming.InstanceId(i)}"), Value = Key(value), Lease = lease.ID }, cancellationToken: c);
        }, ct, clock.Completed);

    /// <summary>One keep-alive stream per worker, each renewing one lease at a time and waiting for the answer.</summary>
    public async Task<Measurement> HeartbeatAsync(string prefix, TimeSpan duration, CancellationToken ct)
    {
        var leases = _leases[prefix].Where(l => l != 0).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var calls = Enumerable.Range(0, _settings.Concurrency)
            .Select(w => new Lease.LeaseClient(_channels[w % Channels]).LeaseKeepAlive(cancellationToken: stop.Token)).ToArray();
        try
        {
            return await Load.RunAsync(Pid, _settings.Concurrency, long.MaxValue, duration, async (i, w, c) =>
            {
                var call = calls[w];
                await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = leases[i % leases.Length] }, c);
                if (!await call.ResponseStream.MoveNext(c) || call.ResponseStream.Current.TTL <= 0)
                {
                    throw new InvalidOperationException("A lease keep-alive was refused.");
                }
            }, ct);
        }
        finally
        {
            foreach (var call in calls)
            {
                await call.RequestStream.CompleteAsync();
            }

            await stop.CancelAsync();
            foreach (var call in calls)
            {
                call.Dispose();
            }
        }
    }

    public async Task<Measurement> ListAsync(string service, int expected, TimeSpan duration, CancellationToken ct)
    {
        var prefix = ServicePrefix(service);
        return await Load.RunAsync(Pid, _settings.Concurrency, long.MaxValue, duration, async (_, w, c) =>
        {
            var range = await Client(w).GetRangeAsync(prefix, cancellationToken: c);
            if (range.Kvs.Count != expected)
            {
                throw new InvalidOperationException($"The range held {range.Kvs.Count} keys, not {expected}.");
            }
        }, ct);
    }

    public async Task PutAsync(string key, string value, CancellationToken ct) =>
        await _clients[0].PutAsync(new PutRequest { Key = Key(key), Value = Key(value) }, cancellationToken: ct);

    public Task<Measurement> GetAsync(string key, TimeSpan duration, CancellationToken ct) =>
        Load.RunAsync(Pid, _settings.Concurrency, long.MaxValue, duration, async (_, w, c) =>
        {
            var got = await Client(w).GetAsync(key, cancellationToken: c);
            if (got.Kvs.Count != 1)
            {
                throw new InvalidOperationException($"'{key}' is missing.");
            }
        }, ct);

    public Task<Measurement> PutManyAsync(string prefix, int count, TimeSpan duration, int bytes, CancellationToken ct) =>
        Load.RunAsync(Pid, _settings.Concurrency, count, duration, async (i, w, c) =>
            await Client(w).PutAsync(new PutRequest
            {
                Key = Key(string.Create(CultureInfo.InvariantCulture, $"/configs/public/DEFAULT_GROUP/{prefix}-{i}")),
                Value = Key(Naming.ConfigContent(i, bytes)),
            }, cancellationToken: c), ct);

    /// <summary>
    /// Watches one key from many watchers (each on its own watch stream, streams spread over the channels), then puts
    /// the key and times each watcher's event from just before the put.
    /// </summary>
    public async Task<FanOutResult> WatchFanOutAsync(int subscribers, int changes, CancellationToken ct)
    {
        var setup = Stopwatch.StartNew();
        var key = string.Create(CultureInfo.InvariantCulture, $"/configs/public/DEFAULT_GROUP/fanout-{subscribers}");
        await PutAsync(key, Naming.ConfigContent(0, 256), ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var streams = (subscribers + WatchersPerStream - 1) / WatchersPerStream;
        Arrivals? current = null;
        var created = new Arrivals(subscribers);
        var calls = new AsyncDuplexStreamingCall<WatchRequest, WatchResponse>[streams];
        var readers = new Task[streams];
        for (var s = 0; s < streams; s++)
        {
            var call = calls[s] = new Watch.WatchClient(_channels[s % Channels]).Watch(cancellationToken: stop.Token);
            var first = s * WatchersPerStream;
            var count = Math.Min(WatchersPerStream, subscribers - first);
            var byWatchId = new Dictionary<long, int>();
            var pending = new Queue<int>(Enumerable.Range(first, count));
            readers[s] = Task.Run(async () =>
            {
                try
                {
                    while (await call.ResponseStream.MoveNext(stop.Token))
                    {
                        var r = call.ResponseStream.Current;
                        if (r.Created)
                        {
                            var subscriber = pending.Dequeue();
                            byWatchId[r.WatchId] = subscriber;
                            created.Arrived(subscriber);
                        }

                        if (r.Events.Count > 0 && byWatchId.TryGetValue(r.WatchId, out var who))
                        {
                            Volatile.Read(ref current)?.Arrived(who);
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
            for (var k = 0; k < count; k++)
            {
                await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = Key(key) } }, ct);
            }
        }

        try
        {
            created.Start = Stopwatch.GetTimestamp();
            if (!await created.WaitAsync(TimeSpan.FromSeconds(90), ct))
            {
                throw new TimeoutException($"Not all {subscribers} watches were created within 90 s.");
            }

            var setupSeconds = setup.Elapsed.TotalSeconds;
            var trials = new List<Arrivals>();
            var cpu = 0.0;
            for (var change = 1; change <= changes; change++)
            {
                var arrivals = new Arrivals(subscribers);
                Volatile.Write(ref current, arrivals);
                var cpuBefore = ProcessStats.CpuSeconds(Pid);
                arrivals.Start = Stopwatch.GetTimestamp();
                await PutAsync(key, Naming.ConfigContent(change, 256), ct);
                if (!await arrivals.WaitAsync(TimeSpan.FromSeconds(60), ct))
                {
                    throw new TimeoutException($"Not all {subscribers} watchers saw the put within 60 s.");
                }

                cpu += ProcessStats.CpuSeconds(Pid) - cpuBefore;
                trials.Add(arrivals);
            }

            return FanOutSummary.From(subscribers, trials, setupSeconds, cpu);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
            foreach (var call in calls)
            {
                call.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}
