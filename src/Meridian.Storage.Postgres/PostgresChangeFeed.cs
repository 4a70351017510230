using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Meridian.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Meridian.Storage.Postgres;

/// <summary>
/// Hears the other nodes' commits: one direct, unpooled connection with keepalive LISTENs on
/// <see cref="PostgresDatabase.Channel"/> and yields each announced revision. After (re)connecting it yields 0 once, so
/// the change log reads whatever it missed while no one listened; while it cannot connect it yields 0 every
/// <see cref="PostgresOptions.PollInterval"/>; and it yields 0 every <see cref="PostgresOptions.CatchUpInterval"/> anyway,
/// a net under NOTIFY.
/// </summary>
internal sealed partial class PostgresChangeFeed(PostgresDatabase database, IOptions<PostgresOptions> options, TimeProvider time,
    ILogger<PostgresChangeFeed> logger) : IChangeFeed
{
    public async IAsyncEnumerable<long> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var heard = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
        var listening = ListenAsync(heard.Writer, cancellationToken);
        await foreach (var revision in heard.Reader.ReadAllAsync(cancellationToken))
        {
            yield return revision;
        }

        await listening;
    }

    private async Task ListenAsync(ChannelWriter<long> heard, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var down = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await using var connection = new NpgsqlConnection(database.ListenerConnectionString);
                    await connection.OpenAsync(cancellationToken);
                    connection.Notification += (_, e) =>
                    {
                        if (long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
                        {
                            heard.TryWrite(revision);
                        }
                    };
                    await using (var listen = new NpgsqlCommand($"LISTEN {PostgresDatabase.Channel}", connection))
                    {
                        await listen.ExecuteNonQueryAsync(cancellationToken);
                    }

                    if (down)
                    {
                        LogListening(database.Description);
                        down = false;
                    }

                    // LISTEN is in force from here: what was committed before it is read now, the rest is heard.
                    heard.TryWrite(0);
                    var lastLook = time.GetTimestamp();
                    while (true)
                    {
                        var left = settings.CatchUpInterval - time.GetElapsedTime(lastLook);
                        if (left <= TimeSpan.Zero || !await connection.WaitAsync(left, cancellationToken))
                        {
                            heard.TryWrite(0);
                            lastLook = time.GetTimestamp();
                        }
                    }
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    if (!down)
                    {
                        LogListenFailed(e, database.Description, settings.PollInterval.TotalSeconds);
                        down = true;

                        // The pooled connections went down with this one (a restart, a failover): drop them rather than
                        // let each of the next reads and writes find out.
                        database.ClearPool();
                    }

                    heard.TryWrite(0);
                    await Task.Delay(settings.PollInterval, time, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            heard.TryComplete();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the notification connection to {Database}; looking for other nodes' changes every {Seconds:F0} s until it is back")]
    private partial void LogListenFailed(Exception exception, string database, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening to {Database} again; catching up with the changes made meanwhile")]
    private partial void LogListening(string database);
}
