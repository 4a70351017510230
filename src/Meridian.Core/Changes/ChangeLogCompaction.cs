using Meridian.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Changes;

/// <summary>Removes change-log rows past the retention from the store, on a timer of the injected <see cref="TimeProvider"/>; on the leading node of a cluster only.</summary>
internal sealed partial class ChangeLogCompaction(IChangeStore store, Cluster.ClusterLead lead, TimeProvider time, IOptions<ChangeLogOptions> options,
    ILogger<ChangeLogCompaction> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.CompactionInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!lead.IsLeader)
            {
                continue;
            }

            try
            {
                var removed = await store.CompactAsync(time.GetUtcNow() - settings.Retention, stoppingToken);
                if (removed > 0)
                {
                    LogCompacted(removed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Removed {Count} change-log row(s) past the retention")]
    private partial void LogCompacted(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove old change-log rows; trying again at the next interval")]
    private partial void LogFailed(Exception exception);
}
