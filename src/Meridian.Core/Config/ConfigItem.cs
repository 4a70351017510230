using System.Buffers;
using System.Text;

namespace Meridian.Config;

/// <summary>
/// One version of one config, immutable. The cache hands the same instance to every reader, so its UTF-8 bytes and MD5
/// are computed once, when the version is made. The content is kept once, as those bytes: protocols write them as they
/// are, and <see cref="Content"/> decodes a string only for the readers that need one.
/// </summary>
public sealed class ConfigItem
{
    private readonly byte[] _utf8;

    private ConfigItem(ConfigKey key, byte[] utf8, string md5, ConfigType type, string appName, IReadOnlyList<string> tags,
        string description, DateTimeOffset createdAt, DateTimeOffset modifiedAt, long version, long revision)
    {
        Key = key;
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

    /// <summary>The content as a string, decoded on each call: hot paths write <see cref="Utf8Content"/> instead.</summary>
    public string Content => Encoding.UTF8.GetString(_utf8);

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
        return Create(key, Encoding.UTF8.GetBytes(content), type, appName, tags, description, createdAt, modifiedAt, version, revision);
    }

    /// <summary>As the other <c>Create</c>, from content already encoded; the item keeps <paramref name="utf8"/>, so it must not change.</summary>
    public static ConfigItem Create(ConfigKey key, byte[] utf8, ConfigType type, string? appName, IEnumerable<string>? tags,
        string? description, DateTimeOffset createdAt, DateTimeOffset modifiedAt, long version, long revision = 0)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        IReadOnlyList<string> tagList = tags switch
        {
            null => [],
            IReadOnlyCollection<string> { Count: 0 } => [],
            _ => [.. tags],
        };
        return new ConfigItem(key, utf8, ConfigMd5.Of(utf8), type, appName ?? "", tagList, description ?? "", createdAt, modifiedAt, version, revision);
    }

    /// <summary>This version as committed at <paramref name="revision"/>; content, bytes and MD5 are shared, not copied.</summary>
    public ConfigItem Committed(long revision) =>
        new(Key, _utf8, Md5, Type, AppName, Tags, Description, CreatedAt, ModifiedAt, Version, revision);

    /// <summary>True when publishing these values would change nothing a reader can see.</summary>
    internal bool SameAs(ReadOnlySpan<byte> utf8, ConfigType type, string appName, IReadOnlyList<string> tags, string description) =>
        Type == type && AppName == appName && Description == description && Tags.SequenceEqual(tags, StringComparer.Ordinal) &&
        utf8.SequenceEqual(_utf8);

    /// <summary>This version with <paramref name="key"/>, an equal key whose strings are shared with other configs'.</summary>
    internal ConfigItem WithKey(ConfigKey key) =>
        new(key, _utf8, Md5, Type, AppName, Tags, Description, CreatedAt, ModifiedAt, Version, Revision);

    /// <summary>Whether the content contains <paramref name="text"/>, ignoring case; decodes into a pooled buffer, not a string.</summary>
    internal bool ContentContains(string text)
    {
        var buffer = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(_utf8.Length));
        try
        {
            var length = Encoding.UTF8.GetChars(_utf8, buffer);
            return buffer.AsSpan(0, length).Contains(text, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
