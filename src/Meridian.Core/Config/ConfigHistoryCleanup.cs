using Meridian.Changes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Config;

/// <summary>Removes history past <see cref="ConfigOptions.HistoryRetention"/> on a timer of the injected <see cref="TimeProvider"/>; on the leading node of a cluster only.</summary>
public sealed partial class ConfigHistoryCleanup(
    ConfigService configs,
    Cluster.ClusterLead lead,
    TimeProvider time,
    IOptions<ConfigOptions> options,
    ILogger<ConfigHistoryCleanup> logger) : BackgroundService
{
    /// <summary>How many rows each round removed; lets operators' probes and tests see a round finish.</summary>
    public ChangeStream<int> Rounds { get; } = new();

    private PeriodicTimer? _timer;

    /// <summary>
    /// Starts the timer with the host rather than when the background loop first runs (on a pool thread, some time
    /// later), so rounds fall exactly one interval apart from start.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new PeriodicTimer(options.Value.HistoryCleanupInterval, time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer ?? throw new InvalidOperationException("Start the cleanup with StartAsync.");
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!lead.IsLeader)
            {
                continue;
            }

            int removed;
            try
            {
                removed = await configs.PurgeHistoryAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed round is retried at the next tick; stopping the loop would let history grow without bound.
                LogFailed(e);
                continue;
            }

            if (removed > 0)
            {
                LogRemoved(removed);
            }

            Rounds.Publish(removed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Rows} config history row(s) past retention")]
    private partial void LogRemoved(int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Config history cleanup failed; retrying at the next interval")]
    private partial void LogFailed(Exception exception);
}
