using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Meridian.Cli.Connection;
using Meridian.Cli.Terminal;
using Spectre.Console;

namespace Meridian.Cli.Configs;

/// <summary><c>meridian cfg ...</c>: read, publish (with compare-and-set), remove, and the history of configs.</summary>
internal static class ConfigCommands
{
    public static Command Create(GlobalOptions options)
    {
        var scope = new ConfigScope();
        var cfg = new Command("cfg", "Configs: get, set, edit, rm, ls, history, diff, rollback, watch, export, import") { scope.Options.Namespace };
        cfg.Aliases.Add("config");

        cfg.Subcommands.Add(Get(options, scope));
        cfg.Subcommands.Add(Set(options, scope));
        cfg.Subcommands.Add(ConfigEditCommand.Create(options, scope));
        cfg.Subcommands.Add(Remove(options, scope));
        cfg.Subcommands.Add(List(options, scope));
        cfg.Subcommands.Add(History(options, scope));
        cfg.Subcommands.Add(Diff(options, scope));
        cfg.Subcommands.Add(Rollback(options, scope));
        cfg.Subcommands.Add(ConfigWatchCommand.Create(options, scope));
        cfg.Subcommands.Add(ConfigArchiveCommands.Export(options, scope));
        cfg.Subcommands.Add(ConfigArchiveCommands.Import(options, scope));
        return cfg;
    }

    private static Command Get(GlobalOptions options, ConfigScope scope)
    {
        var get = new Command("get", "Prints a config's content (with --output json: its content and metadata)") { scope.DataId, scope.Options.Group };
        get.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(await api.GetAsync(scope.Path(run) + "?format=json", ct));
                return;
            }

            run.Console.WriteRaw(await api.GetTextAsync(scope.Path(run), ct), endLine: !Console.IsOutputRedirected);
        });
        return get;
    }

    private static Command Set(GlobalOptions options, ConfigScope scope)
    {
        var content = new Argument<string?>("content") { Description = "The content; or --file, or '-' (or nothing) to read standard input", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<FileInfo?>("--file", "-f") { Description = "Read the content from this file" };
        var type = new Option<string?>("--type", "-t") { Description = "text, json, yaml, properties, xml, html or toml (default: the current type, else from the data id's extension)" };
        var expectMd5 = new Option<string?>("--expect-md5") { Description = "Publish only if the config's md5 is still this one (the one you read); \"\" = only if it does not exist" };
        var expectVersion = new Option<long?>("--expect-version") { Description = "Publish only if the config is still at this version (the one you read)" };
        var tags = new Option<string[]?>("--tag") { Description = "A tag (repeat for several); replaces the current tags", AllowMultipleArgumentsPerToken = false };
        var description = new Option<string?>("--description", "-d") { Description = "What the config is for" };
        var appName = new Option<string?>("--app") { Description = "The application the config belongs to" };
        var set = new Command("set", "Publishes a config; with --expect-md5 or --expect-version only if nobody changed it since you read it")
        {
            scope.DataId, scope.Options.Group, content, file, type, expectMd5, expectVersion, tags, description, appName,
        };
        set.Run(options, async (run, ct) =>
        {
            var text = await ReadContentAsync(run.Parse.GetValue(content), run.Parse.GetValue(file), ct);
            var api = await run.ApiAsync(ct);
            var body = new JsonObject
            {
                ["content"] = text,
                ["type"] = run.Parse.GetValue(type),
                ["expectedMd5"] = run.Parse.GetValue(expectMd5),
                ["expectedVersion"] = run.Parse.GetValue(expectVersion),
                ["description"] = run.Parse.GetValue(description),
                ["appName"] = run.Parse.GetValue(appName),
            };
            if (run.Parse.GetValue(tags) is { } given)
            {
                body["tags"] = new JsonArray([.. given.Select(t => JsonValue.Create(t))]);
            }

            var published = await PublishAsync(api, scope.Path(run), body, scope.Describe(run), ct);
            Report(run, published);
        });
        return set;
    }

    /// <summary>A publish whose compare-and-set conflict says what to do next.</summary>
    public static async Task<JsonNode> PublishAsync(MeridianApi api, string path, JsonObject body, string what, CancellationToken ct)
    {
        try
        {
            return (await api.SendAsync(HttpMethod.Put, path, body, ct))!;
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.Conflict)
        {
            throw new CliException(ExitCodes.Conflict, $"Conflict: {what} was not published. {e.Message}");
        }
    }

    public static void Report(Invocation run, JsonNode published)
    {
        if (run.Console.Json)
        {
            run.Console.WriteJson(published);
        }

        run.Console.Done($"Published [bold]{CliConsole.Escape(published["dataId"]!.GetValue<string>())}[/] " +
                         $"(group {CliConsole.Escape(published["group"]!.GetValue<string>())}, namespace {CliConsole.Escape(published["namespace"]!.GetValue<string>())}) " +
                         $"version {published["version"]}, md5 {published["md5"]}");
    }

    private static async Task<string> ReadContentAsync(string? content, FileInfo? file, CancellationToken ct)
    {
        if (file is not null)
        {
            if (content is not null)
            {
                throw CliException.Usage("Give the content either as an argument or with --file, not both.");
            }

            if (!file.Exists)
            {
                throw CliException.Usage($"The file {file.FullName} does not exist.");
            }

            return await File.ReadAllTextAsync(file.FullName, ct);
        }

        if (content is not null and not "-")
        {
            return content;
        }

        if (!Console.IsInputRedirected)
        {
            throw CliException.Usage("No content: give it as an argument, with --file, or on standard input (cfg set app.yaml - < app.yaml).");
        }

        return await Console.In.ReadToEndAsync(ct);
    }

    private static Command Remove(GlobalOptions options, ConfigScope scope)
    {
        var rm = new Command("rm", "Removes a config (its history keeps the content)") { scope.DataId, scope.Options.Group };
        rm.Aliases.Add("delete");
        rm.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            await api.SendAsync(HttpMethod.Delete, scope.Path(run), null, ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(new JsonObject
                {
                    ["namespace"] = scope.Namespace(run), ["group"] = scope.Group(run), ["dataId"] = run.Value(scope.DataId), ["deleted"] = true,
                });
            }

            run.Console.Done($"Removed [bold]{CliConsole.Escape(scope.Describe(run))}[/]");
        });
        return rm;
    }

    private static Command List(GlobalOptions options, ConfigScope scope)
    {
        var dataId = new Option<string?>("--data-id") { Description = "Only data ids matching this ('*' for any run of characters)" };
        var groupPattern = new Option<string?>("--group", "-g") { Description = "Only groups matching this (default: all)" };
        var ls = new Command("ls", "Lists a namespace's configs") { dataId, groupPattern };
        ls.Aliases.Add("list");
        ls.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var items = await ConfigSearch.AllAsync(api, scope.Namespace(run), run.Parse.GetValue(groupPattern), run.Parse.GetValue(dataId), ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(new JsonArray([.. items]));
                return;
            }

            var table = CliConsole.Table("GROUP", "DATA ID", "TYPE", "VERSION", "SIZE", "MODIFIED", "MD5");
            foreach (var item in items)
            {
                table.AddRow(
                    CliConsole.Escape(item["group"]!.GetValue<string>()),
                    "[bold]" + CliConsole.Escape(item["dataId"]!.GetValue<string>()) + "[/]",
                    CliConsole.Escape(item["type"]!.GetValue<string>()),
                    item["version"]!.ToString(),
                    item["size"]!.ToString(),
                    CliConsole.Escape(Time(item["modifiedAt"])),
                    "[grey]" + CliConsole.Escape(item["md5"]!.GetValue<string>()) + "[/]");
            }

            run.Console.Out.Write(table);
        });
        return ls;
    }

    private static Command History(GlobalOptions options, ConfigScope scope)
    {
        var limit = new Option<int>("--limit") { Description = "How many changes, newest first", DefaultValueFactory = _ => 50 };
        var history = new Command("history", "Lists a config's changes, newest first") { scope.DataId, scope.Options.Group, limit };
        history.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var size = run.Value(limit);
            if (size is < 1 or > 1000)
            {
                throw CliException.Usage($"--limit is 1 to 1000; got {size}.");
            }

            var page = await api.GetAsync(scope.Path(run) + "/history?pageSize=" + size.ToString(CultureInfo.InvariantCulture), ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(page);
                return;
            }

            var table = CliConsole.Table("VERSION", "OPERATION", "WHEN", "BY", "FROM", "MD5");
            foreach (var entry in page!["items"]!.AsArray())
            {
                var operation = entry!["operation"]!.GetValue<string>();
                table.AddRow(
                    "[bold]" + entry["version"] + "[/]",
                    operation switch { "delete" => "[red]delete[/]", "rollback" => "[yellow]rollback[/]", _ => "publish" },
                    CliConsole.Escape(Time(entry["changedAt"])),
                    CliConsole.Escape(entry["user"]?.GetValue<string>()),
                    CliConsole.Escape(entry["sourceAddress"]?.GetValue<string>()),
                    "[grey]" + CliConsole.Escape(entry["md5"]?.GetValue<string>()) + "[/]");
            }

            run.Console.Out.Write(table);
            run.Console.Note($"{page["total"]} change(s) of {CliConsole.Escape(scope.Describe(run))}");
        });
        return history;
    }

    private static Command Diff(GlobalOptions options, ConfigScope scope)
    {
        var from = new Argument<long>("from") { Description = "The version to compare from" };
        var to = new Argument<long?>("to") { Description = "The version to compare to (default: the current one)", Arity = ArgumentArity.ZeroOrOne };
        var diff = new Command("diff", "Shows what changed between two versions, as a unified diff") { scope.DataId, scope.Options.Group, from, to };
        diff.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var query = "?from=" + run.Value(from).ToString(CultureInfo.InvariantCulture)
                + (run.Parse.GetValue(to) is { } t ? "&to=" + t.ToString(CultureInfo.InvariantCulture) : "");
            var result = await api.GetAsync(scope.Path(run) + "/diff" + query, ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(result);
                return;
            }

            if (result!["identical"]!.GetValue<bool>())
            {
                run.Console.Out.MarkupLine($"Versions {result["from"]} and {result["to"]} hold the same content.");
                return;
            }

            foreach (var line in result["unified"]!.GetValue<string>().Split('\n'))
            {
                var escaped = CliConsole.Escape(line);
                run.Console.Out.MarkupLine(line switch
                {
                    _ when line.StartsWith("+++", StringComparison.Ordinal) || line.StartsWith("---", StringComparison.Ordinal) => "[bold]" + escaped + "[/]",
                    _ when line.StartsWith('+') => "[green]" + escaped + "[/]",
                    _ when line.StartsWith('-') => "[red]" + escaped + "[/]",
                    _ when line.StartsWith("@@", StringComparison.Ordinal) => "[cyan]" + escaped + "[/]",
                    _ => escaped,
                });
            }
        });
        return diff;
    }

    private static Command Rollback(GlobalOptions options, ConfigScope scope)
    {
        var version = new Argument<long>("version") { Description = "The earlier version whose content to publish again" };
        var rollback = new Command("rollback", "Publishes an earlier version's content again, as a new version") { scope.DataId, scope.Options.Group, version };
        rollback.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var result = await api.SendAsync(HttpMethod.Post, scope.Path(run) + "/rollback", new JsonObject { ["version"] = run.Value(version) }, ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(result);
            }

            run.Console.Done($"Rolled [bold]{CliConsole.Escape(scope.Describe(run))}[/] back to the content of version {run.Value(version)}: now version {result!["version"]}");
        });
        return rollback;
    }

    public static string Time(JsonNode? node) =>
        node is null ? "" : DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture).ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
