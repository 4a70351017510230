namespace Meridian.Storage.Sqlite;

/// <summary>Where and how the embedded database is kept, bound from <c>Meridian:Storage:Sqlite</c>.</summary>
public sealed class SqliteOptions
{
    public const string SectionName = "Meridian:Storage:Sqlite";

    /// <summary>The folder of the database file; relative paths are resolved against the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    public string FileName { get; set; } = "meridian.db";

    /// <summary>
    /// SQLite's <c>synchronous</c> setting. FULL (the default) makes every acknowledged write survive power loss as well
    /// as a killed process; NORMAL survives a killed process only. FULL is done as NORMAL commits plus an fsync of the WAL
    /// before any caller is answered, so the fsync of one batch overlaps the commit of the next.
    /// </summary>
    public string Synchronous { get; set; } = "FULL";

    /// <summary>
    /// The <c>synchronous</c> setting for a batch that holds nothing but ephemeral instance changes. NORMAL (the default)
    /// skips their fsync: such a batch still survives a killed process (the operating system holds the WAL), only a
    /// power loss could drop it, and a restarted node releases ephemeral instances anyway. The next durable batch's
    /// fsync covers it, since the WAL is written in order. FULL makes them wait for an fsync as well.
    /// </summary>
    public string EphemeralSynchronous { get; set; } = "NORMAL";

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));
}
