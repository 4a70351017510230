namespace Meridian.Config;

/// <summary>What a config's content is. Every type but <see cref="Text"/> and <see cref="Html"/> is parsed before it is stored.</summary>
public enum ConfigType
{
    Text,
    Json,
    Yaml,
    Properties,
    Xml,
    Html,
    Toml,
}

public static class ConfigTypes
{
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<ConfigType>().Select(Name)];

    /// <summary>The lower-case name used on the wire and in storage.</summary>
    public static string Name(ConfigType type) => type switch
    {
        ConfigType.Text => "text",
        ConfigType.Json => "json",
        ConfigType.Yaml => "yaml",
        ConfigType.Properties => "properties",
        ConfigType.Xml => "xml",
        ConfigType.Html => "html",
        ConfigType.Toml => "toml",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool TryParse(string? name, out ConfigType type)
    {
        foreach (var candidate in Enum.GetValues<ConfigType>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                type = candidate;
                return true;
            }
        }

        // Nacos clients send "yml" as often as "yaml".
        type = ConfigType.Yaml;
        return string.Equals(name, "yml", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The type a data id's extension suggests, so <c>app.yaml</c> published without a type is still checked as YAML.</summary>
    public static ConfigType FromDataId(string dataId)
    {
        var dot = dataId.LastIndexOf('.');
        return dot >= 0 && TryParse(dataId[(dot + 1)..], out var type) ? type : ConfigType.Text;
    }
}
