using Meridian.Changes;
using Meridian.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meridian.Benchmarks;

/// <summary>The core as the server composes it, over <see cref="NullChangeStore"/>, with the change log started.</summary>
internal static class CoreGraph
{
    public static ServiceProvider Start()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        var store = new NullChangeStore();
        services.AddSingleton<IChangeStore>(store);
        services.AddSingleton<IConfigHistoryStore>(store);
        services.AddMeridianRegistry();
        var provider = services.BuildServiceProvider();
        provider.GetRequiredService<ChangeLog>().StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return provider;
    }
}
