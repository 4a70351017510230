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
    /// as a killed process; NORMAL survives a killed process only.
    /// </summary>
    public string Synchronous { get; set; } = "FULL";

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));
}
