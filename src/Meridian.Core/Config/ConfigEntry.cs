namespace Meridian.Config;

/// <summary>
/// The cache slot of one key. Readers take <see cref="Current"/> without a lock; writers of the key queue on
/// <see cref="Gate"/> so the store and the cache see changes in the same order. A deleted key keeps its slot so
/// versions keep growing if it is published again.
/// </summary>
internal sealed class ConfigEntry
{
    private volatile ConfigItem? _current;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public ConfigItem? Current
    {
        get => _current;
        set => _current = value;
    }

    /// <summary>The version of the latest publish or delete. Read and written only under <see cref="Gate"/> (or at load).</summary>
    public long LastVersion { get; set; }
}
