using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meridian.Client.Settings;

/// <summary>Logs, once at start-up, every key under <c>Meridian</c> that no option reads, with the closest valid name.</summary>
internal sealed partial class UnknownSettingsReport(IConfiguration configuration, ILogger<UnknownSettingsReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (path, suggestion) in UnknownSettings.Find(configuration))
        {
            if (suggestion is null)
            {
                LogUnknown(logger, path);
            }
            else
            {
                LogMisspelt(logger, path, suggestion);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} is not a Meridian setting and is ignored; did you mean {Suggestion}?")]
    private static partial void LogMisspelt(ILogger logger, string path, string suggestion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} is not a Meridian setting and is ignored; the settings are listed in the README's .NET client section")]
    private static partial void LogUnknown(ILogger logger, string path);
}
