using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Meridian.Cli.Configs;
using Meridian.Cli.Connection;
using Meridian.Cli.Terminal;
using Spectre.Console;

namespace Meridian.Cli.Keys;

/// <summary><c>meridian key create|ls|revoke</c>: the access keys services use instead of a user's password.</summary>
internal static class KeyCommands
{
    private static readonly string[] AllScopes = ["discovery:read", "register", "config:read", "config:write"];

    public static Command Create(GlobalOptions options)
    {
        var key = new Command("key", "Access keys for services: create, list, revoke (administrators only)");

        var name = new Argument<string>("name") { Description = "What the key is for, such as order-service" };
        var namespaces = new Option<string[]>("--namespace", "-n")
        {
            Description = "A namespace the key may use (repeat; '*' for all)",
            DefaultValueFactory = _ => ["public"],
        };
        var groups = new Option<string[]?>("--group", "-g") { Description = "A group the key may use (repeat; default: all)" };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "What it may do (repeat): discovery:read, register, config:read, config:write (default: all four)",
            DefaultValueFactory = _ => AllScopes,
        };
        scopes.AcceptOnlyFromAmong(AllScopes);
        var expires = new Option<DateTimeOffset?>("--expires") { Description = "When it stops working, such as 2027-01-31T00:00:00Z (default: never)" };
        var create = new Command("create", "Creates an access key; its secret is shown this once") { name, namespaces, groups, scopes, expires };
        create.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var body = new JsonObject
            {
                ["name"] = run.Value(name),
                ["namespaces"] = Array(run.Value(namespaces)),
                ["scopes"] = Array(run.Value(scopes)),
                ["expiresAt"] = run.Parse.GetValue(expires),
            };
            if (run.Parse.GetValue(groups) is { Length: > 0 } g)
            {
                body["groups"] = Array(g);
            }

            var created = await api.SendAsync(HttpMethod.Post, "v1/auth/keys", body, ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(created);
                return;
            }

            run.Console.Done($"Created access key [bold]{CliConsole.Escape(created!["name"]!.GetValue<string>())}[/] (id {CliConsole.Escape(created["id"]!.GetValue<string>())})");
            run.Console.Out.MarkupLine("[yellow]Keep the secret now; it is not shown again:[/]");
            run.Console.WriteRaw(created["key"]!.GetValue<string>(), endLine: true);
        });

        var ls = new Command("ls", "Lists access keys, without their secrets");
        ls.Aliases.Add("list");
        ls.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var list = (await api.GetAsync("v1/auth/keys", ct))!.AsArray();
            if (run.Console.Json)
            {
                run.Console.WriteJson(list);
                return;
            }

            var table = CliConsole.Table("ID", "NAME", "GRANTS", "CREATED", "EXPIRES", "LAST USED", "STATE");
            foreach (var k in list)
            {
                var revoked = k!["revokedAt"] is not null;
                var expired = k["expiresAt"] is { } at && DateTimeOffset.Parse(at.GetValue<string>(), CultureInfo.InvariantCulture) <= run.Time.GetUtcNow();
                table.AddRow(
                    CliConsole.Escape(k["id"]!.GetValue<string>()),
                    "[bold]" + CliConsole.Escape(k["name"]!.GetValue<string>()) + "[/]",
                    CliConsole.Escape(Grants(k["grants"]!.AsArray())),
                    CliConsole.Escape(ConfigCommands.Time(k["createdAt"])) + " by " + CliConsole.Escape(k["createdBy"]?.GetValue<string>()),
                    CliConsole.Escape(ConfigCommands.Time(k["expiresAt"])),
                    CliConsole.Escape(ConfigCommands.Time(k["lastUsedAt"])),
                    revoked ? "[red]revoked[/]" : expired ? "[yellow]expired[/]" : "[green]active[/]");
            }

            run.Console.Out.Write(table);
        });

        var id = new Argument<string>("id") { Description = "The key's id (as 'meridian key ls' shows it)" };
        var revoke = new Command("revoke", "Revokes an access key at once") { id };
        revoke.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var revoked = await api.SendAsync(HttpMethod.Delete, "v1/auth/keys/" + MeridianApi.Path(run.Value(id)), null, ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(revoked);
            }

            run.Console.Done($"Revoked access key [bold]{CliConsole.Escape(run.Value(id))}[/]");
        });

        key.Subcommands.Add(create);
        key.Subcommands.Add(ls);
        key.Subcommands.Add(revoke);
        return key;
    }

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(v => JsonValue.Create(v))]);

    /// <summary>The grants as scopes per namespace and group: <c>dev/*: config:read, config:write</c>.</summary>
    private static string Grants(JsonArray grants) => string.Join("; ", grants
        .GroupBy(g => $"{g!["namespace"]}/{g["group"]}")
        .Select(place => place.Key + ": " + string.Join(", ", place.SelectMany(g =>
            g!["actions"]!.AsArray().Select(a => (g["kind"]?.GetValue<string>(), a!.GetValue<string>()) switch
            {
                ("service", "read") => "discovery:read",
                ("service", "write") => "register",
                ("config", var action) => "config:" + action,
                (var kind, var action) => $"{kind}:{action}",
            })))));
}
