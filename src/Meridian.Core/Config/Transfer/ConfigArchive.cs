using System.IO.Compression;
using System.Text;
using Meridian.Validation;
using YamlDotNet.Serialization;

namespace Meridian.Config.Transfer;

/// <summary>One config in an archive: where it goes and what it holds. An empty type means "from the data id".</summary>
public sealed record ArchivedConfig(string Group, string DataId, string Content, string Type, string AppName, string Description, IReadOnlyList<string> Tags);

/// <summary>How much an archive may hold before it is refused unread.</summary>
/// <param name="MaxEntries">Files in the zip, the metadata file included.</param>
/// <param name="MaxEntryBytes">Uncompressed bytes of one file (a config's content limit).</param>
/// <param name="MaxTotalBytes">Uncompressed bytes of all files together.</param>
public sealed record ArchiveLimits(int MaxEntries, long MaxEntryBytes, long MaxTotalBytes)
{
    public static ArchiveLimits None { get; } = new(int.MaxValue, long.MaxValue, long.MaxValue);
}

/// <summary>
/// The zip format of a Nacos export, so archives move between the two: one file per config at <c>group/dataId</c>, and
/// <c>.metadata.yml</c> listing each config's dataId, group, type, appName, desc and configTags (comma-separated).
/// Reading refuses, before anything is used, an archive that is not a zip, holds a path other than <c>group/dataId</c>
/// (absolute, <c>..</c>, backslashes, deeper folders: no entry can name a place outside its group), or more than the limits.
/// </summary>
public static class ConfigArchive
{
    public const string MetadataEntry = ".metadata.yml";

    /// <summary>The field problems name.</summary>
    public const string Field = "archive";

    public static void Write(Stream stream, IReadOnlyList<ArchivedConfig> configs)
    {
        ArgumentNullException.ThrowIfNull(configs);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var config in configs)
        {
            var entry = zip.CreateEntry($"{config.Group}/{config.DataId}", CompressionLevel.Optimal);
            using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
            writer.Write(config.Content);
        }

        var metadata = new Dictionary<string, object>
        {
            ["metadata"] = configs.Select(c => new Dictionary<string, string>
            {
                ["dataId"] = c.DataId,
                ["group"] = c.Group,
                ["type"] = c.Type,
                ["appName"] = c.AppName,
                ["desc"] = c.Description,
                ["configTags"] = string.Join(',', c.Tags),
            }).ToList(),
        };
        var metaEntry = zip.CreateEntry(MetadataEntry, CompressionLevel.Optimal);
        using var meta = new StreamWriter(metaEntry.Open(), new UTF8Encoding(false));
        meta.Write(new SerializerBuilder().Build().Serialize(metadata));
    }

    /// <summary>The configs an archive holds; <see cref="InvalidInputException"/> (field <c>archive</c>) saying what is wrong otherwise.</summary>
    public static List<ArchivedConfig> Read(Stream stream, string name, ArchiveLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw Refused($"{name} is not a zip archive ({e.Message}).");
        }

        using (zip)
        {
            var entries = zip.Entries;
            if (entries.Count > limits.MaxEntries)
            {
                throw Refused($"{name} holds {entries.Count} files; at most {limits.MaxEntries} are taken at once. Split it (export by group or data id).");
            }

            var total = 0L;
            foreach (var entry in entries)
            {
                CheckName(entry.FullName, name);
                if (entry.Length > limits.MaxEntryBytes)
                {
                    throw Refused($"'{entry.FullName}' in {name} is {entry.Length} bytes uncompressed; at most {limits.MaxEntryBytes} are allowed per config.");
                }

                total += entry.Length;
                if (total > limits.MaxTotalBytes)
                {
                    throw Refused($"{name} holds more than {limits.MaxTotalBytes} bytes uncompressed; split it (export by group or data id).");
                }
            }

            var metadata = ReadMetadata(zip, name, limits);
            var configs = new List<ArchivedConfig>();
            foreach (var entry in entries)
            {
                if (entry.FullName == MetadataEntry || entry.FullName.EndsWith('/'))
                {
                    continue;
                }

                var parts = entry.FullName.Split('/');
                var content = ReadText(entry, limits, name);
                metadata.TryGetValue((parts[0], parts[1]), out var meta);
                configs.Add(new ArchivedConfig(parts[0], parts[1], content,
                    Value(meta, "type"), Value(meta, "appName"), Value(meta, "desc"),
                    Value(meta, "configTags").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            }

            return configs;
        }
    }

    private static void CheckName(string path, string name)
    {
        if (path == MetadataEntry)
        {
            return;
        }

        var parts = path.TrimEnd('/').Split('/');
        var folder = path.EndsWith('/') && parts.Length == 1;
        if ((parts.Length != 2 && !folder) || parts.Any(p => p is "" or "." or ".."))
        {
            throw Refused($"{name} holds '{path}'; an export holds group/dataId files and {MetadataEntry} only (no absolute paths, '..' or deeper folders).");
        }

        var errors = new ValidationErrors();
        Rules.Name(errors, "group", parts[0]);
        if (!folder)
        {
            Rules.Name(errors, "dataId", parts[1]);
        }

        if (!errors.IsEmpty)
        {
            throw Refused($"{name} holds '{path}', which is not a valid group/dataId: {string.Join(" ", errors.Messages)}");
        }
    }

    /// <summary>Reads at most the limit, whatever the entry's header claims: a forged size cannot make it read more.</summary>
    private static string ReadText(ZipArchiveEntry entry, ArchiveLimits limits, string name)
    {
        using var input = entry.Open();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limits.MaxEntryBytes)
            {
                throw Refused($"'{entry.FullName}' in {name} is larger than {limits.MaxEntryBytes} bytes uncompressed.");
            }
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw Refused($"'{entry.FullName}' in {name} is not UTF-8 text.");
        }
    }

    private static Dictionary<(string Group, string DataId), Dictionary<string, string?>> ReadMetadata(ZipArchive zip, string name, ArchiveLimits limits)
    {
        var result = new Dictionary<(string, string), Dictionary<string, string?>>();
        if (zip.GetEntry(MetadataEntry) is not { } entry)
        {
            return result;
        }

        Dictionary<string, List<Dictionary<string, string?>>>? document;
        try
        {
            document = new DeserializerBuilder().IgnoreUnmatchedProperties().Build()
                .Deserialize<Dictionary<string, List<Dictionary<string, string?>>>>(ReadText(entry, limits, name));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw Refused($"{MetadataEntry} in {name} cannot be read: {e.Message}");
        }

        foreach (var item in document?.GetValueOrDefault("metadata") ?? [])
        {
            if (item?.GetValueOrDefault("group") is { Length: > 0 } group && item.GetValueOrDefault("dataId") is { Length: > 0 } dataId)
            {
                result[(group, dataId)] = item;
            }
        }

        return result;
    }

    private static InvalidInputException Refused(string message) => InvalidInputException.For(Field, message);

    private static string Value(Dictionary<string, string?>? meta, string name) => meta?.GetValueOrDefault(name) ?? "";
}
