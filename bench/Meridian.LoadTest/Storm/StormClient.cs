using System.Globalization;
using Meridian.Client.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meridian.LoadTest.Storm;

/// <summary>
/// One app's Meridian client, wired through the client library's public API as an app wires it
/// (<c>AddMeridianDiscovery</c> over a <c>Meridian</c> configuration section, its hosted services started), subscribed
/// to one service. Its own connection reconnects by itself, with the library's backoff and jitter.
/// </summary>
internal sealed class StormClient : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;
    private readonly string _service;
    private IDisposable? _subscription;
    private TaskCompletionSource<long> _push = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StormClient(ServiceProvider provider, ConnectionEvents events, string service)
    {
        _provider = provider;
        Events = events;
        _service = service;
        _hosted = [.. provider.GetServices<IHostedService>()];
    }

    public ConnectionEvents Events { get; }

    /// <summary>Completes with the time of the next list of the service pushed to this client (from its start, or the last <see cref="RearmPush"/>).</summary>
    public Task<long> NextPush => Volatile.Read(ref _push).Task;

    public static StormClient Create(int index, StormSettings settings, string accessKey, string service)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Meridian:ServerAddresses:0"] = settings.MeridianGrpc.ToString(),
            ["Meridian:AccessKey"] = accessKey,
            ["Meridian:Register"] = "false",
            ["Meridian:Discovery:SnapshotDirectory"] = Path.Combine(settings.SnapshotDirectory, index.ToString(CultureInfo.InvariantCulture)),
            ["Meridian:Connection:PingInterval"] = TimeSpan.FromSeconds(settings.ClientPingSeconds).ToString("c", CultureInfo.InvariantCulture),
            ["Meridian:Connection:PingTimeout"] = TimeSpan.FromSeconds(settings.ClientPingSeconds).ToString("c", CultureInfo.InvariantCulture),
        }).Build();
        var events = new ConnectionEvents();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Information).AddProvider(events));
        services.AddMeridianDiscovery();
        return new StormClient(services.BuildServiceProvider(), events, service);
    }

    /// <summary>Starts the client's hosted services (its connection among them) and subscribes to its service.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var hosted in _hosted)
        {
            await hosted.StartAsync(ct);
        }

        _subscription = _provider.GetRequiredService<IMeridianDiscovery>().Subscribe(_service,
            _ => Volatile.Read(ref _push).TrySetResult(System.Diagnostics.Stopwatch.GetTimestamp()));
    }

    /// <summary>
    /// Until the client holds a list of its service from the server (revision 0 or more). Asked of the cache rather than
    /// only awaited from the subscription's callback: <c>Subscribe</c> sends the subscription before it adds the callback,
    /// so a first push that lands in between reaches the cache but not the callback.
    /// </summary>
    public async Task WaitForFirstListAsync(CancellationToken ct)
    {
        var discovery = _provider.GetRequiredService<IMeridianDiscovery>();
        while ((await discovery.GetServiceAsync(_service, cancellationToken: ct)) is { Revision: < 0 } or { FromSnapshot: true })
        {
            await Task.WhenAny(NextPush, Task.Delay(TimeSpan.FromSeconds(1), ct));
        }
    }

    public void RearmPush() => Volatile.Write(ref _push, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var hosted in _hosted.Reverse())
        {
            try
            {
                await hosted.StopAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Gave up waiting: disposing the provider ends it.
            }
        }

        await _provider.DisposeAsync();
    }
}
