namespace Meridian.Config;

/// <summary>Configuration-center settings, bound from the <c>Meridian:Config</c> section.</summary>
public sealed class ConfigOptions
{
    public const string SectionName = "Meridian:Config";

    /// <summary>The largest content accepted, in UTF-8 bytes (Nacos: 100 KiB).</summary>
    public int MaxContentBytes { get; set; } = 100 * 1024;

    /// <summary>History rows older than this are removed.</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often old history is looked for.</summary>
    public TimeSpan HistoryCleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a long-poll listener is held when it names no timeout (Nacos clients ask for 30 s).</summary>
    public TimeSpan ListenerDefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Client-chosen hold times are clamped to [<see cref="ListenerMinTimeout"/>, <see cref="ListenerMaxTimeout"/>].</summary>
    public TimeSpan ListenerMinTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ListenerMaxTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The most configs one long-poll may watch (Nacos clients batch up to 3,000).</summary>
    public int MaxListenedConfigs { get; set; } = 3000;

    /// <summary>The largest zip an import takes, compressed and uncompressed alike (32 MiB).</summary>
    public long MaxArchiveBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>The most files an imported zip may hold, its metadata file included.</summary>
    public int MaxArchiveEntries { get; set; } = 10_000;
}
