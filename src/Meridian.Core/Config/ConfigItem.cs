using System.Text;

namespace Meridian.Config;

/// <summary>
/// One version of one config, immutable. The cache hands the same instance to every reader, so its UTF-8 bytes and MD5
/// are computed once, when the version is made.
/// </summary>
public sealed class ConfigItem
{
    private ConfigItem(ConfigKey key, string content, byte[] utf8, ConfigType type, string appName, IReadOnlyList<string> tags,
        string description, DateTimeOffset createdAt, DateTimeOffset modifiedAt, long version)
    {
        Key = key;
        Content = content;
        Utf8Content = utf8;
        Md5 = ConfigMd5.Of(utf8);
        Type = type;
        AppName = appName;
        Tags = tags;
        Description = description;
        CreatedAt = createdAt;
        ModifiedAt = modifiedAt;
        Version = version;
    }

    public ConfigKey Key { get; }
    public string Content { get; }
    public ReadOnlyMemory<byte> Utf8Content { get; }
    public string Md5 { get; }
    public ConfigType Type { get; }
    public string AppName { get; }
    public IReadOnlyList<string> Tags { get; }
    public string Description { get; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset ModifiedAt { get; }

    /// <summary>1 for the first publish of a key, one more for each publish or delete after it.</summary>
    public long Version { get; }

    public static ConfigItem Create(ConfigKey key, string content, ConfigType type, string? appName, IEnumerable<string>? tags,
        string? description, DateTimeOffset createdAt, DateTimeOffset modifiedAt, long version)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new ConfigItem(key, content, Encoding.UTF8.GetBytes(content), type, appName ?? "", tags is null ? [] : [.. tags],
            description ?? "", createdAt, modifiedAt, version);
    }

    /// <summary>True when publishing these values would change nothing a reader can see.</summary>
    internal bool SameAs(string content, ConfigType type, string appName, IReadOnlyList<string> tags, string description) =>
        Type == type && AppName == appName && Description == description && Tags.SequenceEqual(tags, StringComparer.Ordinal) &&
        string.Equals(Content, content, StringComparison.Ordinal);
}
