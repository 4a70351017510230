using Meridian.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meridian.Config;

/// <summary>Fills the config cache from the store before the server accepts requests.</summary>
internal sealed partial class ConfigLoader(IConfigStore store, ConfigService configs, ILogger<ConfigLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var data = await store.LoadAsync(cancellationToken);
        configs.Load(data);
        LogLoaded(data.Configs.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Config cache loaded: {Configs} config(s)")]
    private partial void LogLoaded(int configs);
}
