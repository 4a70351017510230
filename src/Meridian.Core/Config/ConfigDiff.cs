namespace Meridian.Config;

/// <summary>
/// The change from one version's content to another's as a unified line diff (3 lines of context). A difference in the
/// final newline alone leaves <see cref="Unified"/> empty but <see cref="Identical"/> false.
/// </summary>
public sealed record ConfigDiff(ConfigKey Key, long From, long To, bool Identical, string Unified);
