using Microsoft.Extensions.Options;

namespace Meridian.Server.Console;

/// <summary>Where the web console (and the whole HTTP API) is reached when a reverse proxy puts it under a path.</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Meridian:Console";

    /// <summary>
    /// A path prefix the server is always reached under (<c>/meridian</c>), for a proxy that forwards it unchanged.
    /// A proxy that strips the prefix sends <c>X-Forwarded-Prefix</c> instead, which is trusted from loopback proxies.
    /// </summary>
    public string? BasePath { get; set; }
}

internal sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions options) =>
        options.BasePath is { Length: > 0 } path && (!path.StartsWith('/') || path.EndsWith('/') || path.Contains("//", StringComparison.Ordinal) || path.Any(char.IsWhiteSpace))
            ? ValidateOptionsResult.Fail($"Meridian:Console:BasePath must start with '/' and not end with one, such as '/meridian'; got '{path}'.")
            : ValidateOptionsResult.Success;
}
