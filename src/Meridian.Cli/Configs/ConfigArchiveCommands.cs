using System.CommandLine;
using System.Text.Json.Nodes;
using Meridian.Cli.Connection;
using Meridian.Config.Transfer;
using Meridian.Cli.Terminal;

namespace Meridian.Cli.Configs;

/// <summary><c>meridian cfg export|import</c>: a namespace's configs to a zip and back (into any namespace), with progress.</summary>
internal static class ConfigArchiveCommands
{
    private const string Abort = "abort";
    private const string Skip = "skip";
    private const string Overwrite = "overwrite";

    public static Command Export(GlobalOptions options, ConfigScope scope)
    {
        var file = new Argument<FileInfo>("file") { Description = "The zip to write (Nacos's export format)" };
        var group = new Option<string?>("--group", "-g") { Description = "Only groups matching this ('*' wildcards; default: all)" };
        var dataId = new Option<string?>("--data-id") { Description = "Only data ids matching this ('*' wildcards)" };
        var export = new Command("export", "Writes a namespace's configs to a zip: group/dataId files and .metadata.yml") { file, group, dataId };
        export.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var ns = scope.Namespace(run);
            var found = await ConfigSearch.AllAsync(api, ns, run.Parse.GetValue(group), run.Parse.GetValue(dataId), ct);
            var configs = new List<ArchivedConfig>();
            await ProgressReporter.RunAsync(run.Console, $"Exporting {found.Count} config(s) from {ns}", found.Count, async advance =>
            {
                foreach (var summary in found)
                {
                    var path = ConfigScope.ConfigPath(ns, summary["group"]!.GetValue<string>(), summary["dataId"]!.GetValue<string>());
                    // Deleted between the search and the read: nothing to export.
                    if (await api.FindAsync(path + "?format=json", ct) is { } config)
                    {
                        configs.Add(new ArchivedConfig(
                            config["group"]!.GetValue<string>(), config["dataId"]!.GetValue<string>(), config["content"]!.GetValue<string>(),
                            config["type"]!.GetValue<string>(), config["appName"]?.GetValue<string>() ?? "", config["description"]?.GetValue<string>() ?? "",
                            [.. config["tags"]?.AsArray().Select(t => t!.GetValue<string>()) ?? []]));
                    }

                    advance();
                }
            });

            var target = run.Value(file);
            var temporary = target.FullName + ".partial";
            await using (var stream = File.Create(temporary))
            {
                ConfigArchive.Write(stream, configs);
            }

            File.Move(temporary, target.FullName, overwrite: true);
            if (run.Console.Json)
            {
                run.Console.WriteJson(new JsonObject
                {
                    ["namespace"] = ns,
                    ["file"] = target.FullName,
                    ["exported"] = configs.Count,
                    ["configs"] = new JsonArray([.. configs.Select(c => new JsonObject { ["group"] = c.Group, ["dataId"] = c.DataId })]),
                });
            }

            run.Console.Done($"Exported {configs.Count} config(s) from namespace [bold]{CliConsole.Escape(ns)}[/] to {CliConsole.Escape(target.FullName)}");
        });
        return export;
    }

    public static Command Import(GlobalOptions options, ConfigScope scope)
    {
        var file = new Argument<FileInfo>("file") { Description = "A zip written by 'meridian cfg export' or by a Nacos export" };
        var policy = new Option<string>("--policy")
        {
            Description = "When a config already exists: abort (import nothing), skip it, or overwrite it",
            DefaultValueFactory = _ => Abort,
        }.AcceptOnlyFromAmong(Abort, Skip, Overwrite);
        var import = new Command("import", "Publishes the configs of a zip into a namespace") { file, policy };
        import.Run(options, async (run, ct) =>
        {
            var source = run.Value(file);
            if (!source.Exists)
            {
                throw CliException.Usage($"The file {source.FullName} does not exist.");
            }

            List<ArchivedConfig> configs;
            await using (var stream = source.OpenRead())
            {
                configs = ConfigArchive.Read(stream, source.Name);
            }

            var api = await run.ApiAsync(ct);
            var ns = scope.Namespace(run);
            var chosen = run.Value(policy);
            if (chosen == Abort)
            {
                var existing = (await ConfigSearch.AllAsync(api, ns, null, null, ct))
                    .Select(c => (c["group"]!.GetValue<string>(), c["dataId"]!.GetValue<string>())).ToHashSet();
                var clashes = configs.Where(c => existing.Contains((c.Group, c.DataId))).Select(c => $"{c.Group}/{c.DataId}").ToList();
                if (clashes.Count > 0)
                {
                    throw new CliException(ExitCodes.Conflict,
                        $"{clashes.Count} config(s) already exist in namespace '{ns}': {string.Join(", ", clashes.Take(10))}{(clashes.Count > 10 ? ", ..." : "")}. " +
                        "Nothing was imported; use --policy skip or --policy overwrite.");
                }
            }

            var created = new JsonArray();
            var skipped = new JsonArray();
            await ProgressReporter.RunAsync(run.Console, $"Importing {configs.Count} config(s) into {ns}", configs.Count, async advance =>
            {
                foreach (var config in configs)
                {
                    var body = new JsonObject
                    {
                        ["content"] = config.Content,
                        ["type"] = config.Type.Length > 0 ? config.Type : null,
                        ["appName"] = config.AppName,
                        ["description"] = config.Description,
                        ["tags"] = new JsonArray([.. config.Tags.Select(t => JsonValue.Create(t))]),
                        // Abort checked up front; this keeps a config created meanwhile from being overwritten.
                        ["expectedMd5"] = chosen == Overwrite ? null : "",
                    };
                    var item = new JsonObject { ["group"] = config.Group, ["dataId"] = config.DataId };
                    try
                    {
                        await api.SendAsync(HttpMethod.Put, ConfigScope.ConfigPath(ns, config.Group, config.DataId), body, ct);
                        created.Add(item);
                    }
                    catch (CliException e) when (e.ExitCode == ExitCodes.Conflict && chosen == Skip)
                    {
                        skipped.Add(item);
                    }
                    catch (CliException e)
                    {
                        throw new CliException(e.ExitCode, $"Importing {config.Group}/{config.DataId} failed after {created.Count} config(s): {e.Message}");
                    }

                    advance();
                }
            });

            if (run.Console.Json)
            {
                run.Console.WriteJson(new JsonObject { ["namespace"] = ns, ["imported"] = created.Count, ["skipped"] = skipped.Count, ["configs"] = created, ["skippedConfigs"] = skipped });
            }

            run.Console.Done($"Imported {created.Count} config(s) into namespace [bold]{CliConsole.Escape(ns)}[/]" + (skipped.Count > 0 ? $", skipped {skipped.Count} that existed" : ""));
        });
        return import;
    }
}
