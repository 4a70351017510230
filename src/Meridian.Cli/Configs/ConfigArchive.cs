using System.IO.Compression;
using System.Text;
using Meridian.Cli.Terminal;
using YamlDotNet.Serialization;

namespace Meridian.Cli.Configs;

/// <summary>One config in an archive: where it goes and what it holds.</summary>
internal sealed record ArchivedConfig(string Group, string DataId, string Content, string Type, string AppName, string Description, IReadOnlyList<string> Tags);

/// <summary>
/// The zip format of a Nacos export, so archives move between the two: one file per config at <c>group/dataId</c>, and
/// <c>.metadata.yml</c> listing each config's dataId, group, type, appName, desc and configTags (comma-separated).
/// </summary>
internal static class ConfigArchive
{
    public const string MetadataEntry = ".metadata.yml";

    public static void Write(Stream stream, IReadOnlyList<ArchivedConfig> configs)
    {
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

    public static List<ArchivedConfig> Read(Stream stream, string name)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw CliException.Usage($"{name} is not a zip archive ({e.Message}).");
        }

        using (zip)
        {
            var metadata = ReadMetadata(zip, name);
            var configs = new List<ArchivedConfig>();
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName == MetadataEntry || entry.FullName.EndsWith('/'))
                {
                    continue;
                }

                var parts = entry.FullName.Split('/');
                if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                {
                    throw CliException.Usage($"{name} holds '{entry.FullName}'; an export holds group/dataId files and {MetadataEntry} only.");
                }

                using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
                var content = reader.ReadToEnd();
                metadata.TryGetValue((parts[0], parts[1]), out var meta);
                configs.Add(new ArchivedConfig(parts[0], parts[1], content,
                    Field(meta, "type"), Field(meta, "appName"), Field(meta, "desc"),
                    Field(meta, "configTags").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            }

            return configs;
        }
    }

    private static Dictionary<(string Group, string DataId), Dictionary<string, string?>> ReadMetadata(ZipArchive zip, string name)
    {
        var result = new Dictionary<(string, string), Dictionary<string, string?>>();
        if (zip.GetEntry(MetadataEntry) is not { } entry)
        {
            return result;
        }

        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        Dictionary<string, List<Dictionary<string, string?>>>? document;
        try
        {
            document = new DeserializerBuilder().IgnoreUnmatchedProperties().Build().Deserialize<Dictionary<string, List<Dictionary<string, string?>>>>(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw CliException.Usage($"{MetadataEntry} in {name} cannot be read: {e.Message}");
        }

        foreach (var item in document?.GetValueOrDefault("metadata") ?? [])
        {
            if (item.GetValueOrDefault("group") is { Length: > 0 } group && item.GetValueOrDefault("dataId") is { Length: > 0 } dataId)
            {
                result[(group, dataId)] = item;
            }
        }

        return result;
    }

    private static string Field(Dictionary<string, string?>? meta, string name) => meta?.GetValueOrDefault(name) ?? "";
}
