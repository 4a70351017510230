using System.Collections.Concurrent;
using Meridian.Naming;
using Meridian.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meridian.Health;

/// <summary>
/// Shares heartbeats between the nodes of a cluster: the instances that beat here are collected (one dictionary write
/// per heartbeat, nothing awaited), and once a second they go to the <see cref="IHeartbeatExchange"/> in one write and
/// the other nodes' come back and stamp the leases here. Liveness stays off the change log: a heartbeat changes no row
/// that anyone replays. With no exchange (a single node) nothing is collected.
/// </summary>
public sealed partial class HeartbeatSharing(IEnumerable<IHeartbeatExchange> exchanges, InstanceLeases leases, TimeProvider time,
    ILogger<HeartbeatSharing> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly IHeartbeatExchange? _exchange = exchanges.FirstOrDefault();
    private ConcurrentDictionary<(ServiceKey Key, string InstanceId), byte> _beaten = new();
    private bool _failing;

    /// <summary>Notes that an instance beat on this node, for the others.</summary>
    public void Beat(ServiceKey key, string instanceId)
    {
        if (_exchange is not null)
        {
            _beaten[(key, instanceId)] = 0;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_exchange is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var beaten = Interlocked.Exchange(ref _beaten, new());
            try
            {
                var elsewhere = await _exchange.ExchangeAsync([.. beaten.Keys], stoppingToken);
                var now = time.GetTimestamp();
                foreach (var (key, id) in elsewhere)
                {
                    leases.Find(key, id)?.Beat(now);
                }

                if (_failing)
                {
                    LogRecovered();
                    _failing = false;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Those beats are kept for the next try; meanwhile every node keeps the leases it stamped itself.
                foreach (var id in beaten.Keys)
                {
                    _beaten.TryAdd(id, 0);
                }

                if (!_failing)
                {
                    LogFailed(e);
                    _failing = true;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not share heartbeats with the other nodes; instances beating only on them may look silent here until it works again")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sharing heartbeats with the other nodes again")]
    private partial void LogRecovered();
}
