using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Meridian.Naming;
using Meridian.Protocols.Nacos.Http;
using Meridian.Protocols.Nacos.Naming;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Nacos.Push;

/// <summary>
/// Nacos 1.x push: when a service changes, every client polling it with a <c>udpPort</c> gets the new list in one
/// datagram (<c>{"type":"dom","data":"&lt;list&gt;","lastRefTime":…}</c>, gzipped from 1 KiB), so it learns of the change
/// at once instead of at its next poll. Changes to one service are coalesced; acks are read and dropped, since the
/// client's own polling is the retry.
/// </summary>
internal sealed partial class NacosUdpPusher(
    RegistryProjection registry,
    NacosPushSubscribers subscribers,
    TimeProvider time,
    IOptions<NacosOptions> options,
    ILogger<NacosUdpPusher> logger) : BackgroundService
{
    private const int GzipThreshold = 1024;
    private const int MaxDatagram = 65_000;

    private readonly Channel<ServiceKey> _pending = Channel.CreateUnbounded<ServiceKey>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ServiceKey, byte> _queued = new();
    private readonly NacosOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.UdpPush)
        {
            return;
        }

        using var socket = OpenSocket();
        using var subscription = registry.Changes.Subscribe(change =>
        {
            if (subscribers.HasAny(change.Key) && _queued.TryAdd(change.Key, 0))
            {
                _pending.Writer.TryWrite(change.Key);
            }
        });

        var drain = DrainAcksAsync(socket, stoppingToken);
        var sweep = SweepAsync(stoppingToken);
        try
        {
            await foreach (var key in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                _queued.TryRemove(key, out _);
                await PushAsync(socket, key, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        socket.Close();
        await Task.WhenAll(drain, sweep);
    }

    private async Task PushAsync(Socket socket, ServiceKey key, CancellationToken cancellationToken)
    {
        var targets = subscribers.Live(key, _options.SubscriberTimeout);
        if (targets.Count == 0)
        {
            return;
        }

        var snapshot = registry.GetService(key);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var cacheMillis = (long)_options.PushCacheTime.TotalMilliseconds;
        var packets = new Dictionary<NacosListQuery, byte[]?>();
        foreach (var target in targets)
        {
            if (!packets.TryGetValue(target.Query, out var packet))
            {
                packets[target.Query] = packet = BuildPacket(target.Query, snapshot, cacheMillis, now);
            }

            if (packet is null)
            {
                continue;
            }

            try
            {
                var endPoint = socket.AddressFamily == AddressFamily.InterNetworkV6 || target.EndPoint.AddressFamily == AddressFamily.InterNetwork
                    ? target.EndPoint
                    : null;
                if (endPoint is not null)
                {
                    await socket.SendToAsync(packet, SocketFlags.None, endPoint, cancellationToken);
                }
            }
            catch (SocketException e)
            {
                LogPushFailed(target.EndPoint, key, e.SocketErrorCode);
            }
        }
    }

    /// <summary>The datagram for one list shape, or null when even gzipped it would not fit (the client then polls).</summary>
    private byte[]? BuildPacket(NacosListQuery query, ServiceSnapshot? snapshot, long cacheMillis, long now)
    {
        var data = NacosResults.JsonBytes(w => NacosInstanceList.Write(w, query, snapshot, cacheMillis, now));
        var packet = NacosResults.JsonBytes(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "dom");
            w.WriteString("data", data);
            w.WriteNumber("lastRefTime", now);
            w.WriteEndObject();
        });

        if (packet.Length >= GzipThreshold)
        {
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
            {
                gzip.Write(packet);
            }

            packet = compressed.ToArray();
        }

        if (packet.Length > MaxDatagram)
        {
            LogTooLarge(query.Key, packet.Length);
            return null;
        }

        return packet;
    }

    private static Socket OpenSocket()
    {
        if (Socket.OSSupportsIPv6)
        {
            try
            {
                var dual = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
                dual.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
                return dual;
            }
            catch (SocketException)
            {
                // No usable IPv6 stack: fall back to IPv4 only.
            }
        }

        var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        v4.Bind(new IPEndPoint(IPAddress.Any, 0));
        return v4;
    }

    private static async Task DrainAcksAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxDatagram];
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An unreachable client shows up here as an ICMP error; it does not stop the others.
            }
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.SubscriberTimeout, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                subscribers.Sweep(_options.SubscriberTimeout);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "UDP push of {Service} to {EndPoint} failed: {Error}")]
    private partial void LogPushFailed(IPEndPoint endPoint, ServiceKey service, SocketError error);

    [LoggerMessage(Level = LogLevel.Information, Message = "The instance list of {Service} is {Bytes} bytes gzipped, too large for a UDP push; its subscribers rely on polling")]
    private partial void LogTooLarge(ServiceKey service, int bytes);
}
