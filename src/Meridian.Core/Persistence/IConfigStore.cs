using Meridian.Config;

namespace Meridian.Persistence;

/// <summary>
/// Where configs and their history are kept. Each write changes the current row and appends its history row in one
/// transaction; a completed write is durable.
/// </summary>
public interface IConfigStore
{
    Task<ConfigStoreData> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Upserts <paramref name="item"/> and appends <paramref name="change"/> with the item's content.</summary>
    Task SaveAsync(ConfigItem item, ConfigHistoryEntry change, CancellationToken cancellationToken);

    /// <summary>Removes the config and appends <paramref name="change"/> with the content of <paramref name="last"/>.</summary>
    Task DeleteAsync(ConfigItem last, ConfigHistoryEntry change, CancellationToken cancellationToken);

    /// <summary>A key's history, newest first.</summary>
    Task<ConfigHistoryPage> ListHistoryAsync(ConfigKey key, int offset, int limit, CancellationToken cancellationToken);

    Task<ConfigHistoryRecord?> GetHistoryAsync(ConfigKey key, long version, CancellationToken cancellationToken);

    /// <summary>Removes history rows changed before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PurgeHistoryAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <param name="Configs">Every current config.</param>
/// <param name="LastVersions">The highest version in history per key, so a deleted key published again continues its numbering.</param>
public sealed record ConfigStoreData(IReadOnlyList<ConfigItem> Configs, IReadOnlyDictionary<ConfigKey, long> LastVersions);
