namespace Meridian.Config.Formats;

/// <summary>Parses content as its declared type so a config clients cannot read is refused at publish, not found at start-up.</summary>
public static class ContentCheck
{
    /// <summary>Null when the content parses (text and HTML always do: browsers and clients take any HTML).</summary>
    public static ContentError? Find(ConfigType type, string content) => type switch
    {
        ConfigType.Json => JsonContent.Check(content),
        ConfigType.Yaml => YamlContent.Check(content),
        ConfigType.Properties => PropertiesParser.Check(content),
        ConfigType.Xml => XmlContent.Check(content),
        ConfigType.Toml => TomlContent.Check(content),
        _ => null,
    };
}
