namespace Meridian.Config;

public enum ConfigOperation
{
    Publish,
    Delete,
    Rollback,
}

/// <summary>One change in a config's history, without its content.</summary>
public sealed record ConfigHistoryEntry(
    ConfigKey Key,
    long Version,
    ConfigOperation Operation,
    string Md5,
    ConfigType Type,
    string User,
    string SourceAddress,
    DateTimeOffset ChangedAt);

/// <summary>
/// One version in full. For a delete it holds the content that was deleted, so what was lost can still be read.
/// </summary>
public sealed record ConfigHistoryRecord(
    ConfigHistoryEntry Entry,
    string Content,
    string AppName,
    IReadOnlyList<string> Tags,
    string Description);

/// <summary>A page of history, newest first.</summary>
public sealed record ConfigHistoryPage(int Total, IReadOnlyList<ConfigHistoryEntry> Items);
