using System.CommandLine;
using System.Text.Json.Nodes;
using Meridian.Cli.Connection;
using Meridian.Cli.Terminal;
using Spectre.Console;

namespace Meridian.Cli.Configs;

/// <summary>
/// <c>meridian cfg watch</c>: prints the config, then every change as it is committed, through the native long-poll
/// (<c>POST /v1/configs/listener</c>) keyed on the revision last seen, so no change between two polls is missed.
/// </summary>
internal static class ConfigWatchCommand
{
    private const int HoldMs = 30_000;

    public static Command Create(GlobalOptions options, ConfigScope scope)
    {
        var count = new Option<int?>("--count") { Description = "Stop after this many changes (default: until interrupted)" };
        var watch = new Command("watch", "Prints a config, then each change to it as it happens (JSON: one event per line)") { scope.DataId, count };
        watch.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var limit = run.Parse.GetValue(count);
            if (limit is < 1)
            {
                throw CliException.Usage($"--count is 1 or more; got {limit}.");
            }

            var current = await api.FindAsync(scope.Path(run) + "?format=json", ct);
            var md5 = current?["md5"]?.GetValue<string>() ?? "";
            long? revision = current?["revision"]?.GetValue<long>();
            Show(run, scope, "current", current);
            run.Console.Note($"Watching {CliConsole.Escape(scope.Describe(run))} for changes (Ctrl+C to stop)");
            var clientId = $"meridian-cli-{Environment.MachineName}-{Environment.ProcessId}";
            for (var seen = 0; limit is null || seen < limit;)
            {
                var key = new JsonObject
                {
                    ["namespace"] = scope.Namespace(run), ["group"] = scope.Group(run), ["dataId"] = run.Value(scope.DataId), ["md5"] = md5,
                };
                if (revision is { } r)
                {
                    key["revision"] = r;
                }

                var answer = await api.SendAsync(HttpMethod.Post, "v1/configs/listener",
                    new JsonObject { ["timeoutMs"] = HoldMs, ["clientId"] = clientId, ["keys"] = new JsonArray(key) }, ct);
                var changed = answer!["changed"]!.AsArray();
                if (changed.Count == 0)
                {
                    continue;
                }

                var change = changed[0]!;
                current = change["md5"]!.GetValue<string>().Length == 0 ? null : await api.FindAsync(scope.Path(run) + "?format=json", ct);
                md5 = current?["md5"]?.GetValue<string>() ?? "";
                revision = current?["revision"]?.GetValue<long>() ?? change["revision"]!.GetValue<long>();
                Show(run, scope, current is null ? "deleted" : "changed", current);
                seen++;
            }

            return ExitCodes.Ok;
        });
        return watch;
    }

    private static void Show(Invocation run, ConfigScope scope, string kind, JsonNode? config)
    {
        if (run.Console.Json)
        {
            run.Console.WriteJsonLine(new JsonObject
            {
                ["event"] = config is null && kind == "current" ? "absent" : kind,
                ["namespace"] = scope.Namespace(run),
                ["group"] = scope.Group(run),
                ["dataId"] = run.Value(scope.DataId),
                ["config"] = config?.DeepClone(),
            });
            return;
        }

        if (config is null)
        {
            run.Console.Out.MarkupLine(kind == "current"
                ? $"[yellow]# {CliConsole.Escape(scope.Describe(run))} does not exist (yet)[/]"
                : $"[red]# deleted: {CliConsole.Escape(scope.Describe(run))}[/]");
            return;
        }

        run.Console.Out.MarkupLine($"[cyan]# {kind}: {CliConsole.Escape(config["dataId"]!.GetValue<string>())} version {config["version"]}, " +
                                   $"md5 {config["md5"]}, {CliConsole.Escape(ConfigCommands.Time(config["modifiedAt"]))}[/]");
        run.Console.WriteRaw(config["content"]!.GetValue<string>(), endLine: true);
    }
}
