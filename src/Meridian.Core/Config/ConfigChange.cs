namespace Meridian.Config;

public enum ConfigChangeKind
{
    Published,

    /// <summary>The config is gone; <see cref="ConfigChange.Item"/> is its last version.</summary>
    Deleted,
}

/// <summary>One change of one config. Listeners compare <see cref="Md5"/> with the one they hold.</summary>
public sealed record ConfigChange(ConfigChangeKind Kind, ConfigItem Item)
{
    public ConfigKey Key => Item.Key;

    public string Md5 => Kind == ConfigChangeKind.Deleted ? ConfigMd5.Absent : Item.Md5;
}
