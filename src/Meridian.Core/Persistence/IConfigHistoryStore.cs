using Meridian.Config;

namespace Meridian.Persistence;

/// <summary>
/// Reads of config history, which the change log writes (one history row per publish, rollback or delete, in the
/// same transaction as the change).
/// </summary>
public interface IConfigHistoryStore
{
    /// <summary>A key's history, newest first.</summary>
    Task<ConfigHistoryPage> ListHistoryAsync(ConfigKey key, int offset, int limit, CancellationToken cancellationToken);

    Task<ConfigHistoryRecord?> GetHistoryAsync(ConfigKey key, long version, CancellationToken cancellationToken);

    /// <summary>Removes history rows changed before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PurgeHistoryAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
