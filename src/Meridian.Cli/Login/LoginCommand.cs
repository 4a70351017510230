using System.CommandLine;
using System.Text.Json.Nodes;
using Meridian.Cli.Connection;
using Meridian.Cli.Terminal;
using Spectre.Console;

namespace Meridian.Cli.Login;

/// <summary>
/// <c>meridian login</c>: logs in once and keeps the token (not the password) in the profile, so later commands need
/// neither; like <c>docker login</c>, the password comes from a prompt, <c>--password-stdin</c> or MERIDIAN_PASSWORD.
/// </summary>
internal static class LoginCommand
{
    public static Command Create(GlobalOptions options)
    {
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input" };
        var login = new Command("login", "Logs in and saves the server and a token in ~/.config/meridian/profile.json (mode 0600)") { passwordStdin };
        login.Run(options, async (run, ct) =>
        {
            var server = Target.ParseServer(run.Parse.GetValue(options.Server) ?? Variable("MERIDIAN_SERVER") ?? Target.DefaultServer);
            var username = run.Parse.GetValue(options.Username) ?? Variable("MERIDIAN_USERNAME")
                ?? Ask(run, new TextPrompt<string>("Username:").DefaultValue("admin"));
            string password;
            if (run.Value(passwordStdin))
            {
                password = (await Console.In.ReadToEndAsync(ct)).TrimEnd('\r', '\n');
            }
            else
            {
                password = run.Parse.GetValue(options.Password) ?? Variable("MERIDIAN_PASSWORD")
                    ?? Ask(run, new TextPrompt<string>("Password:").Secret());
            }

            using var api = await MeridianApi.ConnectAsync(new Target(server, null, null, null, "login"), ct);
            var (token, expiresIn) = await api.LoginAsync(username, password, ct);
            var store = ProfileStore.Default();
            var profile = new Connection.Profile(server.ToString(), username, token, run.Time.GetUtcNow().AddSeconds(expiresIn));
            store.Write(profile);
            if (run.Console.Json)
            {
                run.Console.WriteJson(new JsonObject
                {
                    ["server"] = profile.Server, ["username"] = username, ["expiresAt"] = profile.ExpiresAt, ["profile"] = store.Path,
                });
            }

            run.Console.Done($"Logged in to {CliConsole.Escape(profile.Server)} as [bold]{CliConsole.Escape(username)}[/]; " +
                             $"the token (valid until {profile.ExpiresAt:yyyy-MM-dd HH:mm}Z) is saved in {CliConsole.Escape(store.Path)}");
        });
        return login;
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static string Ask(Invocation run, TextPrompt<string> prompt)
    {
        if (Console.IsInputRedirected || !run.Console.Err.Profile.Capabilities.Interactive)
        {
            throw CliException.Usage("No terminal to ask on: give --username and --password-stdin (or MERIDIAN_USERNAME and MERIDIAN_PASSWORD).");
        }

        return run.Console.Err.Prompt(prompt);
    }
}
