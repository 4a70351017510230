namespace Meridian.Config.Listening;

/// <summary>
/// A config a client holds, with the MD5 of the content it has (<c>""</c> when it has none) and, optionally, the
/// revision it last saw. With a revision, any change committed after it counts, even one that came back to the same
/// content; without, a different MD5 does.
/// </summary>
public readonly record struct ListenedConfig(ConfigKey Key, string Md5, long? Revision = null);
