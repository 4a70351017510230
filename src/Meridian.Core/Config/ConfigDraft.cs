namespace Meridian.Config;

/// <summary>
/// What a publish asks for. A null type, app name, tags or description keeps the current value (for a new config: the
/// type the data id's extension suggests, else text).
/// </summary>
/// <param name="ExpectedMd5">
/// Compare-and-set: null publishes unconditionally; <c>""</c> publishes only if the config does not exist yet; any other
/// value only if it is the current MD5.
/// </param>
/// <param name="ExpectedVersion">
/// Compare-and-set on the version: null publishes unconditionally; any other value only if the config exists and that
/// is its current version (the version a reader saw, which a later change back to the same content still moves on).
/// </param>
public sealed record ConfigDraft(
    string Content,
    ConfigType? Type = null,
    string? AppName = null,
    IReadOnlyList<string>? Tags = null,
    string? Description = null,
    string? ExpectedMd5 = null,
    long? ExpectedVersion = null);
