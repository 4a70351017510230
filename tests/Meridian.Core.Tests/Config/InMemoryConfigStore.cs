using System.Collections.Concurrent;
using Meridian.Config;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Persistence;

namespace Meridian.Core.Tests.Config;

/// <summary>A store that keeps rows in memory, records purges, and can be told to fail.</summary>
internal sealed class InMemoryConfigStore : IConfigStore
{
    private readonly ConcurrentDictionary<ConfigKey, ConfigItem> _current = new();
    private readonly List<ConfigHistoryRecord> _history = [];

    public List<DateTimeOffset> Purges { get; } = [];

    public bool FailWrites { get; set; }

    public Task<ConfigStoreData> LoadAsync(CancellationToken cancellationToken)
    {
        lock (_history)
        {
            var last = _history.GroupBy(h => h.Entry.Key).ToDictionary(g => g.Key, g => g.Max(h => h.Entry.Version));
            return Task.FromResult(new ConfigStoreData([.. _current.Values], last));
        }
    }

    public Task SaveAsync(ConfigItem item, ConfigHistoryEntry change, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        _current[item.Key] = item;
        Append(item, change);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(ConfigItem last, ConfigHistoryEntry change, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        _current.TryRemove(last.Key, out _);
        Append(last, change);
        return Task.CompletedTask;
    }

    public Task<ConfigHistoryPage> ListHistoryAsync(ConfigKey key, int offset, int limit, CancellationToken cancellationToken)
    {
        lock (_history)
        {
            var all = _history.Where(h => h.Entry.Key == key).OrderByDescending(h => h.Entry.Version).Select(h => h.Entry).ToList();
            return Task.FromResult(new ConfigHistoryPage(all.Count, [.. all.Skip(offset).Take(limit)]));
        }
    }

    public Task<ConfigHistoryRecord?> GetHistoryAsync(ConfigKey key, long version, CancellationToken cancellationToken)
    {
        lock (_history)
        {
            return Task.FromResult(_history.FirstOrDefault(h => h.Entry.Key == key && h.Entry.Version == version));
        }
    }

    public Task<int> PurgeHistoryAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        lock (_history)
        {
            Purges.Add(cutoff);
            return Task.FromResult(_history.RemoveAll(h => h.Entry.ChangedAt < cutoff));
        }
    }

    private void Append(ConfigItem item, ConfigHistoryEntry change)
    {
        lock (_history)
        {
            _history.Add(new ConfigHistoryRecord(change, item.Content, item.AppName, item.Tags, item.Description));
        }
    }

    private void ThrowIfFailing()
    {
        if (FailWrites)
        {
            throw new IOException("disk full");
        }
    }
}

/// <summary>The registry store the namespace catalog needs; config tests only read namespaces.</summary>
internal sealed class NoRegistryStore : IRegistryStore
{
    public Task<RegistryData> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(new RegistryData([], [], []));
    public Task SaveNamespaceAsync(NamespaceInfo ns, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task DeleteNamespaceAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task SaveServiceAsync(ServiceKey key, ServiceDefinition definition, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task DeleteServiceAsync(ServiceKey key, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task SaveInstanceAsync(ServiceKey key, Instance instance, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task DeleteInstanceAsync(ServiceKey key, string instanceId, CancellationToken cancellationToken) => Task.CompletedTask;
}
