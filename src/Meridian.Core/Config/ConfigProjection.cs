using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Meridian.Auth;
using Meridian.Changes;
using Meridian.Validation;

namespace Meridian.Config;

/// <summary>
/// The current configs in memory, read without locks. Only <see cref="Apply"/> changes them, for committed changes in
/// revision order; each is then published on <see cref="Changes"/>.
/// </summary>
public sealed class ConfigProjection : IChangeProjection
{
    private readonly ConcurrentDictionary<ConfigKey, ConfigEntry> _entries = new();
    private readonly ConcurrentDictionary<string, StrongBox<int>> _liveByNamespace = new(StringComparer.Ordinal);

    /// <summary>One string per namespace and group name, shared by every config's key (the names repeat; data ids do not).</summary>
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private int _live;

    /// <summary>Every publish, rollback and delete, after it is durable and applied.</summary>
    public ChangeStream<ConfigChange> Changes { get; } = new();

    /// <summary>The current version, or null. Lock-free and allocation-free.</summary>
    public ConfigItem? Get(ConfigKey key) => _entries.TryGetValue(key, out var entry) ? entry.Current : null;

    /// <summary>The current version; <see cref="NotFoundException"/> when the config does not exist.</summary>
    /// <summary>A config as a caller reads it: refused unless the caller may read it, 404 when it does not exist.</summary>
    public ConfigItem Require(ConfigKey key, Caller caller) => Get(key, caller) ?? Require(key);

    public ConfigItem Require(ConfigKey key) =>
        Get(key) ?? throw new NotFoundException($"Config '{key.DataId}' in group '{key.Group}' of namespace '{key.Namespace}' does not exist.");

    /// <summary>The current MD5, or <see cref="ConfigMd5.Absent"/> for a config that does not exist.</summary>
    public string Md5Of(ConfigKey key) => Get(key)?.Md5 ?? ConfigMd5.Absent;

    /// <summary>The revision of the key's last publish or delete; 0 when it never existed.</summary>
    public long RevisionOf(ConfigKey key) => _entries.TryGetValue(key, out var entry) ? entry.Revision : 0;

    /// <summary>The version of the key's last publish or delete; 0 when it never existed.</summary>
    public long LastVersionOf(ConfigKey key) => _entries.TryGetValue(key, out var entry) ? entry.LastVersion : 0;

    public bool HasConfigs(string ns) => CountIn(ns) > 0;

    /// <summary>An equal key whose namespace and group are the strings the projection already holds for them.</summary>
    public ConfigKey Canonical(ConfigKey key) => new(Shared(key.Namespace), Shared(key.Group), key.DataId);

    private string Shared(string name) => _names.TryGetValue(name, out var shared) ? shared : _names.GetOrAdd(name, name);

    /// <summary>How many configs there are in all namespaces; kept by <see cref="Apply"/>.</summary>
    public int Count => Volatile.Read(ref _live);

    /// <summary>How many configs a namespace holds now; kept by <see cref="Apply"/>, so reading it costs nothing.</summary>
    public int CountIn(string ns) => _liveByNamespace.TryGetValue(ns, out var count) ? Volatile.Read(ref count.Value) : 0;

    /// <summary>A config as a caller reads it: refused unless the caller may read it.</summary>
    public ConfigItem? Get(ConfigKey key, Caller caller)
    {
        caller.Demand(key, AccessActions.Read);
        return Get(key);
    }

    /// <summary>The configs of a namespace that match and that the caller may read; the others are not counted either.</summary>
    public ConfigPage Search(ConfigQuery query, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(caller);
        var dataId = query.DataId is { Length: > 0 } d ? new WildcardPattern(d) : null;
        var group = query.Group is { Length: > 0 } g ? new WildcardPattern(g) : null;
        var matches = new List<ConfigItem>();
        foreach (var (key, entry) in _entries)
        {
            if (key.Namespace == query.Namespace && entry.Current is { } item && caller.MayRead(key) &&
                (dataId is null || dataId.IsMatch(key.DataId)) &&
                (group is null || group.IsMatch(key.Group)) &&
                (query.Tags is not { Count: > 0 } tags || tags.All(t => item.Tags.Contains(t, StringComparer.Ordinal))) &&
                (string.IsNullOrEmpty(query.ContentContains) || item.ContentContains(query.ContentContains)))
            {
                matches.Add(item);
            }
        }

        matches.Sort(static (a, b) =>
            string.CompareOrdinal(a.Key.Group, b.Key.Group) is var byGroup and not 0 ? byGroup : string.CompareOrdinal(a.Key.DataId, b.Key.DataId));
        var page = matches.Skip((Math.Max(1, query.PageNo) - 1) * query.PageSize).Take(query.PageSize).ToList();
        return new ConfigPage(matches.Count, page);
    }

    /// <summary>Every current config; for protocols that need the full set (snapshots, fuzzy watches).</summary>
    public IEnumerable<ConfigItem> All()
    {
        foreach (var entry in _entries.Values)
        {
            if (entry.Current is { } item)
            {
                yield return item;
            }
        }
    }

    public void Apply(Change change)
    {
        switch (change)
        {
            case ConfigSaved saved:
            {
                // Commands make their items with canonical keys already; changes read from the store do not.
                var item = saved.Item;
                var key = Canonical(item.Key);
                if (!ReferenceEquals(key.Namespace, item.Key.Namespace) || !ReferenceEquals(key.Group, item.Key.Group))
                {
                    item = item.WithKey(key);
                }

                var entry = _entries.GetOrAdd(key, static _ => new ConfigEntry());
                if (entry.Current is null)
                {
                    Recount(key.Namespace, +1);
                }

                entry.Current = item;
                entry.LastVersion = Math.Max(entry.LastVersion, item.Version);
                entry.Revision = saved.Revision;
                Changes.Publish(new ConfigChange(ConfigChangeKind.Published, item));
                break;
            }

            case ConfigRemoved removed:
            {
                var entry = _entries.GetOrAdd(removed.Last.Key, static _ => new ConfigEntry());
                var wasLive = entry.Current is not null;
                if (wasLive)
                {
                    Recount(removed.Last.Key.Namespace, -1);
                }

                entry.Current = null;
                entry.LastVersion = Math.Max(entry.LastVersion, removed.Entry.Version);
                entry.Revision = removed.Revision;
                if (wasLive)
                {
                    Changes.Publish(new ConfigChange(ConfigChangeKind.Deleted, removed.Last));
                }

                break;
            }
        }
    }

    private void Recount(string ns, int delta)
    {
        Interlocked.Add(ref _liveByNamespace.GetOrAdd(ns, static _ => new StrongBox<int>()).Value, delta);
        Interlocked.Add(ref _live, delta);
    }
}
