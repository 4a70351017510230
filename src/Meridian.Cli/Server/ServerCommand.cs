using System.CommandLine;
using Meridian.Server.Hosting;

namespace Meridian.Cli.Server;

/// <summary>
/// <c>meridian server</c>: runs a Meridian server in the foreground (as <c>consul agent</c> or <c>nacos</c> standalone do),
/// with exactly the settings of Meridian.Server: everything after <c>server</c> is passed to it as it is.
/// </summary>
internal static class ServerCommand
{
    public const string Name = "server";

    public static Command Create()
    {
        var server = new Command(Name, "Runs a Meridian server here (Ctrl+C stops it); every --Section:Key=value setting of Meridian.Server works")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        server.SetAction(parse => RunAsync([.. parse.UnmatchedTokens]));
        return server;
    }

    /// <summary>
    /// The server as Meridian.Server runs it, stopping on Ctrl+C or SIGTERM by the host's own lifetime (so the parser's
    /// cancellation, which would cut the graceful shutdown short, is not used).
    /// </summary>
    public static async Task<int> RunAsync(string[] settings)
    {
        await using var app = MeridianServer.Build(settings);
        await app.RunAsync();
        return 0;
    }

    /// <summary>Whether the line starts the server, which then goes straight to it.</summary>
    public static bool IsServer(string[] args) => args.Length > 0 && args[0] == Name;

    /// <summary>The server's own usage, since its settings are not options this parser knows.</summary>
    public static bool IsHelp(string[] args) =>
        args.Length > 0 && args[0] == Name && args.Skip(1).Any(a => a is "--help" or "-h" or "-?" or "/?");

    public static string Usage => ServerUsage.Text.Replace("Usage: Meridian.Server", "Usage: meridian server", StringComparison.Ordinal);
}
