namespace Meridian.Config.Listening;

/// <summary>A config a client holds, with the MD5 of the content it has (<c>""</c> when it has none).</summary>
public readonly record struct ListenedConfig(ConfigKey Key, string Md5);
