using Meridian.Config;
using Meridian.Config.Listening;
using Meridian.Namespaces;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Core.Tests.Config;

/// <summary>A config service over an in-memory store and a fake clock.</summary>
internal sealed class ConfigFixture : IDisposable
{
    public ConfigFixture(ConfigOptions? options = null)
    {
        Options = Microsoft.Extensions.Options.Options.Create(options ?? new ConfigOptions());
        Namespaces = new NamespaceCatalog(new NoRegistryStore());
        Configs = new ConfigService(Namespaces, Store, Time, Options);
        Listeners = new ConfigListeners(Configs, Time, Options);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public InMemoryConfigStore Store { get; } = new();
    public IOptions<ConfigOptions> Options { get; }
    public NamespaceCatalog Namespaces { get; }
    public ConfigService Configs { get; }
    public ConfigListeners Listeners { get; }

    public static ConfigAuthor Alice { get; } = new("alice", "10.0.0.7");

    public static ConfigKey Key(string dataId, string group = ConfigKey.DefaultGroup, string ns = "public") => new(ns, group, dataId);

    public Task<ConfigItem> PublishAsync(string dataId, string content, ConfigType? type = null, string? expectedMd5 = null) =>
        Configs.PublishAsync(Key(dataId), new ConfigDraft(content, type, ExpectedMd5: expectedMd5), Alice, TestContext.Current.CancellationToken);

    public ConfigHistoryCleanup Cleanup() => new(Configs, Time, Options, NullLogger<ConfigHistoryCleanup>.Instance);

    public void Dispose() => Listeners.Dispose();
}
