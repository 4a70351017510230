using System.Text;

namespace Meridian.Config;

/// <summary>
/// One version of one config, immutable. The cache hands the same instance to every reader, so its UTF-8 bytes and MD5
/// are computed once, when the version is made.
/// </summary>
public sealed class ConfigItem
{
    private readonly byte[] _utf8;

    private ConfigItem(ConfigKey key, string content, byte[] utf8, string md5, ConfigType type, string appName, IReadOnlyList<string> tags,
        string description, DateTimeOffset createdAt, DateTimeOffset modifiedAt, long version, long revision)
    {
        Key = key;
        Content = content;
        _utf8 = utf8;
        Md5 = md5;
        Type = type;
        AppName = appName;
        Tags = tags;
        Description = description;
        CreatedAt = createdAt;
        ModifiedAt = modifiedAt;
        Version = version;
        Revision = revision;
    }

    public ConfigKey Key { get; }
    public string Content { get; }
    public ReadOnlyMemory<byte> Utf8Content => _utf8;
    public string Md5 { get; }
    public ConfigType Type { get; }
    public string AppName { get; }
    public IReadOnlyList<string> Tags { get; }
    public string Description { get; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset ModifiedAt { get; }

    /// <summary>1 for the first publish of a key, one more for each publish or delete after it.</summary>
    public long Version { get; }

    /// <summary>The change-log revision that made this version; 0 until it is committed.</summary>
    public long Revision { get; }

    public static ConfigItem Create(ConfigKey key, string content, ConfigType type, string? appName, IEnumerable<string>? tags,
        string? description, DateTimeOffset createdAt, DateTimeOffset modifiedAt, long version, long revision = 0)
    {
        ArgumentNullException.ThrowIfNull(content);
        var utf8 = Encoding.UTF8.GetBytes(content);
        return new ConfigItem(key, content, utf8, ConfigMd5.Of(utf8), type, appName ?? "", tags is null ? [] : [.. tags],
            description ?? "", createdAt, modifiedAt, version, revision);
    }

    /// <summary>This version as committed at <paramref name="revision"/>; content, bytes and MD5 are shared, not copied.</summary>
    public ConfigItem Committed(long revision) =>
        new(Key, Content, _utf8, Md5, Type, AppName, Tags, Description, CreatedAt, ModifiedAt, Version, revision);

    /// <summary>True when publishing these values would change nothing a reader can see.</summary>
    internal bool SameAs(string content, ConfigType type, string appName, IReadOnlyList<string> tags, string description) =>
        Type == type && AppName == appName && Description == description && Tags.SequenceEqual(tags, StringComparer.Ordinal) &&
        string.Equals(Content, content, StringComparison.Ordinal);
}
