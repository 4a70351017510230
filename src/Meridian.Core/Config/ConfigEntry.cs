namespace Meridian.Config;

/// <summary>
/// The cache slot of one key. Readers take <see cref="Current"/> without a lock; only the projection's Apply writes.
/// A deleted key keeps its slot, so versions keep growing if it is published again and a listener can be told when
/// it went.
/// </summary>
internal sealed class ConfigEntry
{
    private volatile ConfigItem? _current;
    private long _revision;

    public ConfigItem? Current
    {
        get => _current;
        set => _current = value;
    }

    /// <summary>The version of the latest publish or delete.</summary>
    public long LastVersion { get; set; }

    /// <summary>The revision of the latest publish or delete: what the store's row carries.</summary>
    public long Revision
    {
        get => Volatile.Read(ref _revision);
        set => Volatile.Write(ref _revision, value);
    }
}
