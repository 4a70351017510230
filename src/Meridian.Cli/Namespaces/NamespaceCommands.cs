using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Meridian.Cli.Connection;
using Meridian.Cli.Terminal;
using Spectre.Console;

namespace Meridian.Cli.Namespaces;

/// <summary><c>meridian ns ls|create|rm</c>: the environments whose services and configs never see another's.</summary>
internal static class NamespaceCommands
{
    public static Command Create(GlobalOptions options)
    {
        var ns = new Command("ns", "Namespaces: list, create, remove");
        ns.Aliases.Add("namespace");

        var ls = new Command("ls", "Lists the namespaces you may see, with their service counts");
        ls.Aliases.Add("list");
        ls.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var list = (await api.GetAsync("v1/namespaces", ct))!.AsArray();
            if (run.Console.Json)
            {
                run.Console.WriteJson(list);
                return;
            }

            var table = CliConsole.Table("ID", "NAME", "SERVICES", "DESCRIPTION");
            foreach (var item in list)
            {
                table.AddRow(
                    "[bold]" + CliConsole.Escape(item!["id"]!.GetValue<string>()) + "[/]",
                    CliConsole.Escape(item["name"]?.GetValue<string>()),
                    item["serviceCount"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture),
                    CliConsole.Escape(item["description"]?.GetValue<string>()));
            }

            run.Console.Out.Write(table);
        });

        var id = new Argument<string>("id") { Description = "The namespace id (letters, digits, '-', '.', '_', ':')" };
        var name = new Option<string?>("--name") { Description = "A display name (default: the id)" };
        var description = new Option<string?>("--description", "-d") { Description = "What the namespace is for" };
        var create = new Command("create", "Creates a namespace") { id, name, description };
        create.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var created = await api.SendAsync(HttpMethod.Post, "v1/namespaces", new JsonObject
            {
                ["id"] = run.Value(id),
                ["name"] = run.Parse.GetValue(name),
                ["description"] = run.Parse.GetValue(description),
            }, ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(created);
            }

            run.Console.Done($"Created namespace [bold]{CliConsole.Escape(run.Value(id))}[/]");
        });

        var removed = new Argument<string>("id") { Description = "The namespace id; it must hold no services or configs" };
        var rm = new Command("rm", "Removes an empty namespace") { removed };
        rm.Aliases.Add("delete");
        rm.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            await api.SendAsync(HttpMethod.Delete, "v1/namespaces/" + MeridianApi.Path(run.Value(removed)), null, ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(new JsonObject { ["id"] = run.Value(removed), ["deleted"] = true });
            }

            run.Console.Done($"Removed namespace [bold]{CliConsole.Escape(run.Value(removed))}[/]");
        });

        ns.Subcommands.Add(ls);
        ns.Subcommands.Add(create);
        ns.Subcommands.Add(rm);
        return ns;
    }
}
