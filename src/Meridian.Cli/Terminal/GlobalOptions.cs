using System.CommandLine;

namespace Meridian.Cli.Terminal;

/// <summary>The options every command takes: where the server is, who is asking, and how to answer.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Server { get; } = new("--server", "-s")
    {
        Description = "The server, such as http://127.0.0.1:8848 [env: MERIDIAN_SERVER; else the profile 'meridian login' wrote; else http://127.0.0.1:8848]",
        Recursive = true,
        HelpName = "url",
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "A bearer token or an access key (mrd_...) [env: MERIDIAN_TOKEN]",
        Recursive = true,
    };

    public Option<string?> Username { get; } = new("--username", "-u")
    {
        Description = "Log in as this user for this command [env: MERIDIAN_USERNAME]",
        Recursive = true,
    };

    public Option<string?> Password { get; } = new("--password")
    {
        Description = "The user's password (prefer MERIDIAN_PASSWORD: a flag shows in the process list) [env: MERIDIAN_PASSWORD]",
        Recursive = true,
    };

    public Option<string> Output { get; } = new Option<string>("--output", "-o")
    {
        Description = "table (for people: tables and colours) or json (for scripts: stable, the API's field names)",
        Recursive = true,
        DefaultValueFactory = _ => "table",
        HelpName = "table|json",
    }.AcceptOnlyFromAmong("table", "json");

    public OutputFormat Format(ParseResult parse) => parse.GetValue(Output) == "json" ? OutputFormat.Json : OutputFormat.Table;

    public void AddTo(Command root)
    {
        root.Options.Add(Server);
        root.Options.Add(Token);
        root.Options.Add(Username);
        root.Options.Add(Password);
        root.Options.Add(Output);
    }
}

/// <summary>
/// The namespace (on the <c>svc</c> and <c>cfg</c> commands, for all below them) and the group (on each command about
/// one service or config; listings and exports take a group pattern of their own, all groups by default).
/// </summary>
internal sealed class ScopeOptions
{
    public Option<string> Namespace { get; } = new("--namespace", "-n")
    {
        Description = "The namespace",
        Recursive = true,
        DefaultValueFactory = _ => "public",
    };

    public Option<string> Group { get; } = new("--group", "-g")
    {
        Description = "The group",
        Recursive = true,
        DefaultValueFactory = _ => "DEFAULT_GROUP",
    };
}
