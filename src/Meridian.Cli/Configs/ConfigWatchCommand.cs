using System.CommandLine;
using System.Text.Json.Nodes;
using Meridian.Cli.Connection;
using Meridian.Cli.Terminal;
using Spectre.Console;

namespace Meridian.Cli.Configs;

/// <summary>
/// <c>meridian cfg watch</c>: prints the config, then every change as it is committed, through the native long-poll
/// (<c>POST /v1/configs/listener</c>) keyed on the revision last seen, so no change between two polls is missed. A
/// server that goes away (a restart, a node of a cluster) is waited out; the revision held catches up on reconnect.
/// </summary>
internal static class ConfigWatchCommand
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    public static Command Create(GlobalOptions options, ConfigScope scope)
    {
        var count = new Option<int?>("--count") { Description = "Stop after this many changes (default: until interrupted)" };
        var watch = new Command("watch", "Prints a config, then each change to it as it happens (JSON: one event per line)") { scope.DataId, scope.Options.Group, count };
        watch.Run(options, async (run, ct) =>
        {
            var limit = run.Parse.GetValue(count);
            if (limit is < 1)
            {
                throw CliException.Usage($"--count is 1 or more; got {limit}.");
            }

            var api = await run.ApiAsync(ct);
            var watcher = new ConfigWatcher(api, scope.Namespace(run), scope.Group(run), run.Value(scope.DataId));
            var current = await watcher.ReadAsync(ct);
            Show(run, scope, "current", current);
            run.Console.Note($"Watching {CliConsole.Escape(scope.Describe(run))} for changes (Ctrl+C to stop)");
            var retry = FirstRetry;
            var lost = false;
            for (var seen = 0; limit is null || seen < limit;)
            {
                bool changed;
                try
                {
                    changed = await watcher.WaitAsync(ct);
                }
                catch (CliException e) when (e.ExitCode == ExitCodes.Unreachable)
                {
                    if (!lost)
                    {
                        lost = true;
                        run.Console.Warn($"{e.Message} Retrying until it answers (Ctrl+C to stop).");
                    }

                    await Task.Delay(retry, run.Time, ct);
                    retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
                    continue;
                }

                if (lost)
                {
                    lost = false;
                    retry = FirstRetry;
                    run.Console.Note($"Reconnected to {CliConsole.Escape(api.Server.ToString())}; watching again");
                }

                if (changed)
                {
                    Show(run, scope, watcher.Current is null ? "deleted" : "changed", watcher.Current);
                    seen++;
                }
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

/// <summary>One config as last seen (md5 and revision) and the long-poll that tells when it changes.</summary>
internal sealed class ConfigWatcher(MeridianApi api, string ns, string group, string dataId)
{
    private const int HoldMs = 30_000;
    private readonly string _clientId = $"meridian-cli-{Environment.MachineName}-{Environment.ProcessId}";
    private readonly string _path = ConfigScope.ConfigPath(ns, group, dataId) + "?format=json";
    private string _md5 = "";
    private long? _revision;

    /// <summary>The config as last read; null while it does not exist.</summary>
    public JsonNode? Current { get; private set; }

    public async Task<JsonNode?> ReadAsync(CancellationToken ct)
    {
        Current = await api.FindAsync(_path, ct);
        _md5 = Current?["md5"]?.GetValue<string>() ?? "";
        _revision = Current?["revision"]?.GetValue<long>() ?? _revision;
        return Current;
    }

    /// <summary>Holds one long-poll; true when the config changed (then <see cref="Current"/> is the new version, or null if deleted).</summary>
    public async Task<bool> WaitAsync(CancellationToken ct)
    {
        var key = new JsonObject { ["namespace"] = ns, ["group"] = group, ["dataId"] = dataId, ["md5"] = _md5 };
        if (_revision is { } revision)
        {
            key["revision"] = revision;
        }

        var answer = await api.SendAsync(HttpMethod.Post, "v1/configs/listener",
            new JsonObject { ["timeoutMs"] = HoldMs, ["clientId"] = _clientId, ["keys"] = new JsonArray(key) }, ct);
        if (answer!["changed"]!.AsArray() is not [{ } change, ..])
        {
            return false;
        }

        _revision = change["revision"]!.GetValue<long>();
        if (change["md5"]!.GetValue<string>().Length == 0)
        {
            Current = null;
            _md5 = "";
            return true;
        }

        await ReadAsync(ct);
        return true;
    }
}
