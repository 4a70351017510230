using Meridian.Auth;
using Meridian.Changes;
using Meridian.Config;
using Meridian.Config.Listening;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Core.Tests.Infrastructure;

/// <summary>
/// The core as the server composes it (change log, registry, configuration center) over the in-memory store and a
/// fake clock, with the change log started. Background loops (sweep, probes, cleanup) are not started: tests drive them.
/// </summary>
internal sealed class CoreHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CoreHost(ServiceProvider services, InMemoryChangeStore store, FakeTimeProvider time)
    {
        _services = services;
        Store = store;
        Time = time;
    }

    public InMemoryChangeStore Store { get; }
    public FakeTimeProvider Time { get; }
    public ChangeLog Log => _services.GetRequiredService<ChangeLog>();
    public RegistryProjection Registry => _services.GetRequiredService<RegistryProjection>();
    public RegistryCommands Commands => _services.GetRequiredService<RegistryCommands>();
    public InstanceLeases Leases => _services.GetRequiredService<InstanceLeases>();
    public ClientSessions Sessions => _services.GetRequiredService<ClientSessions>();
    public NamespaceCatalog Namespaces => _services.GetRequiredService<NamespaceCatalog>();
    public NamespaceCommands NamespaceCommands => _services.GetRequiredService<NamespaceCommands>();
    public ConfigProjection Configs => _services.GetRequiredService<ConfigProjection>();
    public ConfigService ConfigCommands => _services.GetRequiredService<ConfigService>();
    public ConfigListeners Listeners => _services.GetRequiredService<ConfigListeners>();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public static Caller Alice { get; } = new("alice", CallerKind.User, isAdmin: true, [], "10.0.0.7");

    /// <param name="store">Another host's store, to start again on the same data as after a restart.</param>
    /// <param name="settings">Configuration, as the server would bind it (<c>Meridian:Registry:DeleteTimeout</c>, ...).</param>
    public static async Task<CoreHost> StartAsync(InMemoryChangeStore? store = null, FakeTimeProvider? time = null,
        IDictionary<string, string?>? settings = null)
    {
        store ??= new InMemoryChangeStore();
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<IChangeStore>(store);
        services.AddSingleton<IConfigHistoryStore>(store);
        services.AddSingleton<IHostApplicationLifetime, StubLifetime>();
        services.AddMeridianRegistry();
        services.AddMeridianConfig();
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<ChangeLog>().StartAsync(CancellationToken.None);
        return new CoreHost(provider, store, time);
    }

    public static ServiceKey Service(string name, string ns = "public") => new(ns, ServiceKey.DefaultGroup, name);

    public static ConfigKey Config(string dataId, string group = ConfigKey.DefaultGroup, string ns = "public") => new(ns, group, dataId);

    public Task<Instance> RegisterAsync(ServiceKey key, string ip, int port = 80, bool ephemeral = true, string? owner = null) =>
        Commands.RegisterAsync(key, new InstanceRegistration { Ip = ip, Port = port, Ephemeral = ephemeral }, owner, Caller.System, TestContext.Current.CancellationToken);

    public Task<ConfigItem> PublishAsync(string dataId, string content, ConfigType? type = null, string? expectedMd5 = null) =>
        ConfigCommands.PublishAsync(Config(dataId), new ConfigDraft(content, type, ExpectedMd5: expectedMd5), Alice, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Log.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }

    private sealed class StubLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
