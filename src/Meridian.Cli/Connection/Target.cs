using Meridian.Cli.Terminal;

namespace Meridian.Cli.Connection;

/// <summary>Which server to talk to and with what: a token (or access key), or a username and password to log in with.</summary>
internal sealed record Target(Uri Server, string? Token, string? Username, string? Password, string Source)
{
    public const string DefaultServer = "http://127.0.0.1:8848";

    /// <summary>Flags first, then MERIDIAN_* variables, then the profile (whose token is used only for its own server).</summary>
    public static Target Resolve(string? serverFlag, string? tokenFlag, string? usernameFlag, string? passwordFlag, ProfileStore profiles, DateTimeOffset now)
    {
        var profile = profiles.Read();
        var serverText = serverFlag ?? Variable("MERIDIAN_SERVER") ?? profile?.Server ?? DefaultServer;
        var server = ParseServer(serverText);
        if (tokenFlag is not null)
        {
            return new Target(server, tokenFlag, null, null, "--token");
        }

        if (usernameFlag is not null)
        {
            return new Target(server, null, usernameFlag, passwordFlag ?? Variable("MERIDIAN_PASSWORD")
                ?? throw CliException.Usage("--username needs a password: give --password or set MERIDIAN_PASSWORD."), "--username");
        }

        if (Variable("MERIDIAN_TOKEN") is { } token)
        {
            return new Target(server, token, null, null, "MERIDIAN_TOKEN");
        }

        if (Variable("MERIDIAN_USERNAME") is { } username)
        {
            return new Target(server, null, username, passwordFlag ?? Variable("MERIDIAN_PASSWORD")
                ?? throw CliException.Usage("MERIDIAN_USERNAME needs a password: set MERIDIAN_PASSWORD (or give --password)."), "MERIDIAN_USERNAME");
        }

        if (profile is not null && ParseServer(profile.Server) == server)
        {
            if (profile.ExpiresAt <= now)
            {
                throw new CliException(ExitCodes.Auth,
                    $"The token 'meridian login' saved for {profile.Server} expired at {profile.ExpiresAt:yyyy-MM-dd HH:mm}Z; run 'meridian login' again.");
            }

            return new Target(server, profile.Token, null, null, $"the profile {profiles.Path}");
        }

        return new Target(server, null, null, null, "no credentials");
    }

    /// <summary>Accepts <c>host:port</c> as well as a URL, as <c>nacos</c> and <c>consul</c> users type it.</summary>
    public static Uri ParseServer(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.Contains("://", StringComparison.Ordinal))
        {
            trimmed = "http://" + trimmed;
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw CliException.Usage($"'{text}' is not a server address; give one such as http://127.0.0.1:8848.");
        }

        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
