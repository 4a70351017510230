using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Meridian.Client.Configuration;

/// <summary>
/// Configuration loads before the host has a logger. Messages wait here and go to the real logger once the host
/// attaches it; before that, warnings also reach standard error so a failed start is never silent.
/// </summary>
internal sealed class DeferredLogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _pending = new();
    private ILogger? _logger;

    public void Attach(ILogger logger)
    {
        _logger = logger;
        while (_pending.TryDequeue(out var entry))
        {
            Write(logger, entry.Level, entry.Message);
        }
    }

    public void Warning(string message) => Log(LogLevel.Warning, message);

    public void Error(string message) => Log(LogLevel.Error, message);

    private void Log(LogLevel level, string message)
    {
        if (_logger is { } logger)
        {
            Write(logger, level, message);
            return;
        }

        _pending.Enqueue((level, message));
    }

#pragma warning disable CA2254 // The messages are built for people; structured fields would add nothing here.
    private static void Write(ILogger logger, LogLevel level, string message) => logger.Log(level, message);
#pragma warning restore CA2254
}
