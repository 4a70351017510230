namespace Meridian.Changes;

/// <summary>Change-log settings, bound from <c>Meridian:ChangeLog</c>.</summary>
public sealed class ChangeLogOptions
{
    public const string SectionName = "Meridian:ChangeLog";

    /// <summary>
    /// How long changes are kept, in memory and in the store's log, for watchers that resume from a revision. 15 minutes
    /// covers Eureka's 3-minute delta, a client reconnecting after a server restart or a network break of several
    /// minutes, and a node restarting in a cluster; a watcher that was away longer gets a full snapshot instead.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The most changes kept in memory whatever their age (about 100 bytes each beyond the data they share).</summary>
    public int MaxWindowEntries { get; set; } = 100_000;

    /// <summary>The most writes taken into one transaction (one commit, one fsync).</summary>
    public int MaxBatch { get; set; } = 1024;

    /// <summary>How often log rows past <see cref="Retention"/> are removed from the store.</summary>
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromMinutes(1);
}
