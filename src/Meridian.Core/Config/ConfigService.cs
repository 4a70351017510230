using System.Collections.Concurrent;
using Meridian.Changes;
using Meridian.Namespaces;
using Meridian.Persistence;
using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Config;

/// <summary>
/// The configuration center. Current configs are served from an in-memory cache of immutable <see cref="ConfigItem"/>s,
/// read without locks; each write of a key waits for that key's earlier writes, reaches the store, then swaps the
/// cached item and is published on <see cref="Changes"/>.
/// </summary>
public sealed partial class ConfigService(
    NamespaceCatalog namespaces,
    IConfigStore store,
    TimeProvider time,
    IOptions<ConfigOptions> options)
{
    private readonly ConcurrentDictionary<ConfigKey, ConfigEntry> _entries = new();
    private readonly ConfigOptions _options = options.Value;

    /// <summary>Every publish, rollback and delete, after it is durable.</summary>
    public ChangeStream<ConfigChange> Changes { get; } = new();

    /// <summary>The current version, or null. Lock-free and allocation-free.</summary>
    public ConfigItem? Get(ConfigKey key) => _entries.TryGetValue(key, out var entry) ? entry.Current : null;

    /// <summary>The current MD5, or <see cref="ConfigMd5.Absent"/> for a config that does not exist.</summary>
    public string Md5Of(ConfigKey key) => Get(key)?.Md5 ?? ConfigMd5.Absent;

    public ConfigItem Require(ConfigKey key) => Get(key) ?? throw NotFound(key);

    public bool HasConfigs(string ns)
    {
        foreach (var (key, entry) in _entries)
        {
            if (key.Namespace == ns && entry.Current is not null)
            {
                return true;
            }
        }

        return false;
    }

    public Task<ConfigItem> PublishAsync(ConfigKey key, ConfigDraft draft, ConfigAuthor author, CancellationToken cancellationToken) =>
        WriteAsync(key, draft, author, ConfigOperation.Publish, cancellationToken);

    public async Task DeleteAsync(ConfigKey key, ConfigAuthor author, CancellationToken cancellationToken)
    {
        ConfigRules.ThrowIfInvalid(key);
        var entry = _entries.GetValueOrDefault(key) ?? throw NotFound(key);
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            var current = entry.Current ?? throw NotFound(key);
            var version = entry.LastVersion + 1;
            var change = new ConfigHistoryEntry(key, version, ConfigOperation.Delete, current.Md5, current.Type, author.User,
                author.SourceAddress, time.GetUtcNow());

            // Once the store has it, the cache must follow: a caller that gave up waiting must not leave them apart.
            await store.DeleteAsync(current, change, CancellationToken.None);
            entry.Current = null;
            entry.LastVersion = version;
            Changes.Publish(new ConfigChange(ConfigChangeKind.Deleted, current));
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public ConfigPage Search(ConfigQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var dataId = query.DataId is { Length: > 0 } d ? new WildcardPattern(d) : null;
        var group = query.Group is { Length: > 0 } g ? new WildcardPattern(g) : null;
        var matches = new List<ConfigItem>();
        foreach (var (key, entry) in _entries)
        {
            if (key.Namespace == query.Namespace && entry.Current is { } item &&
                (dataId is null || dataId.IsMatch(key.DataId)) &&
                (group is null || group.IsMatch(key.Group)) &&
                (query.Tags is not { Count: > 0 } tags || tags.All(t => item.Tags.Contains(t, StringComparer.Ordinal))) &&
                (string.IsNullOrEmpty(query.ContentContains) || item.Content.Contains(query.ContentContains, StringComparison.OrdinalIgnoreCase)))
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

    internal void Load(ConfigStoreData data)
    {
        foreach (var (key, version) in data.LastVersions)
        {
            var entry = _entries.GetOrAdd(key, static _ => new ConfigEntry());
            entry.LastVersion = Math.Max(entry.LastVersion, version);
        }

        foreach (var item in data.Configs)
        {
            var entry = _entries.GetOrAdd(item.Key, static _ => new ConfigEntry());
            entry.Current = item;
            entry.LastVersion = Math.Max(entry.LastVersion, item.Version);
        }
    }

    private async Task<ConfigItem> WriteAsync(ConfigKey key, ConfigDraft draft, ConfigAuthor author, ConfigOperation operation,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(author);
        var errors = new ValidationErrors();
        ConfigRules.Key(errors, key);

        // Parsing is the expensive part, so it runs before queueing behind other writers of the key. The type it checked
        // against is the type stored, even if a concurrent publish changes the current one meanwhile.
        var type = draft.Type ?? Get(key)?.Type ?? ConfigTypes.FromDataId(key.DataId);
        ConfigRules.Draft(errors, draft, type, _options.MaxContentBytes);
        errors.ThrowIfAny();
        namespaces.RequireExisting(key.Namespace);

        var entry = _entries.GetOrAdd(key, static _ => new ConfigEntry());
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            var current = entry.Current;
            CheckExpected(key, draft.ExpectedMd5, current);
            var appName = draft.AppName ?? current?.AppName ?? "";
            var tags = draft.Tags ?? current?.Tags ?? [];
            var description = draft.Description ?? current?.Description ?? "";
            if (current is not null && current.SameAs(draft.Content, type, appName, tags, description))
            {
                return current;
            }

            var now = time.GetUtcNow();
            var version = entry.LastVersion + 1;
            var item = ConfigItem.Create(key, draft.Content, type, appName, tags, description, current?.CreatedAt ?? now, now, version);
            var change = new ConfigHistoryEntry(key, version, operation, item.Md5, type, author.User, author.SourceAddress, now);
            await store.SaveAsync(item, change, CancellationToken.None);
            entry.Current = item;
            entry.LastVersion = version;
            Changes.Publish(new ConfigChange(ConfigChangeKind.Published, item));
            return item;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private static void CheckExpected(ConfigKey key, string? expected, ConfigItem? current)
    {
        if (expected is null)
        {
            return;
        }

        var actual = current?.Md5 ?? ConfigMd5.Absent;
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new ConflictException((expected.Length == 0, current is null) switch
            {
                (true, _) => $"Config '{key}' already exists (md5 {actual}); read it and publish with its md5 to replace it.",
                (_, true) => $"Config '{key}' does not exist, but md5 {expected} was expected; publish with expectedMd5 \"\" to create it.",
                _ => $"Config '{key}' has md5 {actual}, not the expected {expected}: someone changed it since you read it. Read it again and retry.",
            });
        }
    }

    private static NotFoundException NotFound(ConfigKey key) =>
        new($"Config '{key.DataId}' in group '{key.Group}' of namespace '{key.Namespace}' does not exist.");
}
