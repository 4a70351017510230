namespace Meridian.Config;

/// <summary>A publish's result: the config as stored, and whether it did not exist before.</summary>
public sealed record ConfigPublished(ConfigItem Item, bool Created);
