using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Meridian.Cli.Connection;
using Meridian.Cli.Terminal;
using Spectre.Console;

namespace Meridian.Cli.Services;

/// <summary><c>meridian svc ls|show|weight|offline|online</c>: services, their instances, and draining or disabling one.</summary>
internal static class ServiceCommands
{
    public static Command Create(GlobalOptions options)
    {
        var scope = new ScopeOptions();
        var svc = new Command("svc", "Services and their instances: list, show, weight, offline, online") { scope.Namespace };
        svc.Aliases.Add("service");

        var search = new Option<string?>("--search") { Description = "Only services whose name contains this" };
        var groupFilter = new Option<string?>("--group", "-g") { Description = "Only this group (default: all)" };
        var ls = new Command("ls", "Lists services with their instance counts") { groupFilter, search };
        ls.Aliases.Add("list");
        ls.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var filter = (run.Parse.GetValue(groupFilter) is { } g ? "&group=" + Uri.EscapeDataString(g) : "")
                + (run.Parse.GetValue(search) is { } s ? "&search=" + Uri.EscapeDataString(s) : "");
            var page = await AllServicesAsync(api, $"v1/namespaces/{MeridianApi.Path(run.Value(scope.Namespace))}/services", filter, ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(page);
                return;
            }

            var table = CliConsole.Table("GROUP", "SERVICE", "INSTANCES", "HEALTHY", "PROTECT");
            foreach (var item in page!["items"]!.AsArray())
            {
                var total = item!["instanceCount"]!.GetValue<int>();
                var healthy = item["healthyInstanceCount"]!.GetValue<int>();
                table.AddRow(
                    CliConsole.Escape(item["group"]!.GetValue<string>()),
                    "[bold]" + CliConsole.Escape(item["name"]!.GetValue<string>()) + "[/]",
                    total.ToString(CultureInfo.InvariantCulture),
                    $"[{(healthy == total ? "green" : healthy == 0 ? "red" : "yellow")}]{healthy}[/]",
                    item["protectThreshold"]!.GetValue<double>().ToString(CultureInfo.InvariantCulture));
            }

            run.Console.Out.Write(table);
            run.Console.Note($"{page["total"]} service(s) in namespace {CliConsole.Escape(run.Value(scope.Namespace))}");
        });

        var service = new Argument<string>("service") { Description = "The service name" };
        var show = new Command("show", "Shows a service: its settings and every instance") { service, scope.Group };
        show.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var path = ServicePath(run, scope, service);
            var definition = await api.GetAsync(path, ct);
            var instances = await api.GetAsync(path + "/instances", ct);
            if (run.Console.Json)
            {
                run.Console.WriteJson(new JsonObject { ["service"] = definition, ["instances"] = instances!["instances"]!.DeepClone() });
                return;
            }

            var console = run.Console.Out;
            console.MarkupLine($"[bold]{CliConsole.Escape(definition!["name"]!.GetValue<string>())}[/] in group {CliConsole.Escape(definition["group"]!.GetValue<string>())} of namespace {CliConsole.Escape(definition["namespace"]!.GetValue<string>())}");
            console.MarkupLine($"  protect threshold {definition["protectThreshold"]}, revision {definition["revision"]}, checksum {CliConsole.Escape(definition["checksum"]?.GetValue<string>())}");
            if (definition["metadata"] is JsonObject { Count: > 0 } metadata)
            {
                console.MarkupLine("  metadata " + CliConsole.Escape(string.Join(", ", metadata.Select(m => $"{m.Key}={m.Value}"))));
            }

            var table = CliConsole.Table("INSTANCE", "ADDRESS", "CLUSTER", "WEIGHT", "HEALTHY", "ENABLED", "EPHEMERAL");
            foreach (var i in instances!["instances"]!.AsArray())
            {
                table.AddRow(
                    CliConsole.Escape(i!["instanceId"]!.GetValue<string>()),
                    CliConsole.Escape($"{i["ip"]}:{i["port"]}"),
                    CliConsole.Escape(i["cluster"]?.GetValue<string>()),
                    i["weight"]!.GetValue<double>().ToString(CultureInfo.InvariantCulture),
                    Flag(i["healthy"]!.GetValue<bool>()),
                    Flag(i["enabled"]!.GetValue<bool>()),
                    i["ephemeral"]!.GetValue<bool>() ? "yes" : "no");
            }

            console.Write(table);
        });

        var instance = new Argument<string>("instance") { Description = "The instance: its id, or ip:port when that is unique" };
        var weightValue = new Argument<double>("weight") { Description = "The new weight (0 drains it: no new traffic)" };
        var weight = new Command("weight", "Sets an instance's weight") { service, instance, weightValue, scope.Group };
        weight.Run(options, (run, ct) => run.Value(weightValue) is < 0 or > 10000 or double.NaN
            ? throw CliException.Usage($"The weight is a number from 0 to 10000; got {run.Value(weightValue).ToString(CultureInfo.InvariantCulture)}.")
            : PatchAsync(run, scope, service, instance, new JsonObject { ["weight"] = run.Value(weightValue) },
            $"weight {run.Value(weightValue).ToString(CultureInfo.InvariantCulture)}", ct));

        var offline = new Command("offline", "Takes an instance out of traffic (enabled = false); it stays registered") { service, instance, scope.Group };
        offline.Run(options, (run, ct) => PatchAsync(run, scope, service, instance, new JsonObject { ["enabled"] = false }, "offline", ct));

        var online = new Command("online", "Puts an instance back into traffic (enabled = true)") { service, instance, scope.Group };
        online.Run(options, (run, ct) => PatchAsync(run, scope, service, instance, new JsonObject { ["enabled"] = true }, "online", ct));

        foreach (var command in (Command[])[ls, show, weight, offline, online])
        {
            svc.Subcommands.Add(command);
        }

        return svc;
    }

    /// <summary>Every page of the listing, as one: <c>{"total": n, "items": [...]}</c>.</summary>
    private static async Task<JsonObject> AllServicesAsync(MeridianApi api, string path, string filter, CancellationToken ct)
    {
        const int size = 1000;
        var items = new JsonArray();
        var total = 0;
        for (var page = 1; ; page++)
        {
            var answer = await api.GetAsync($"{path}?pageNo={page.ToString(CultureInfo.InvariantCulture)}&pageSize={size.ToString(CultureInfo.InvariantCulture)}{filter}", ct);
            total = answer!["total"]!.GetValue<int>();
            var batch = answer["items"]!.AsArray();
            foreach (var item in batch)
            {
                items.Add(item!.DeepClone());
            }

            if (batch.Count < size || items.Count >= total)
            {
                return new JsonObject { ["total"] = total, ["items"] = items };
            }
        }
    }

    private static string ServicePath(Invocation run, ScopeOptions scope, Argument<string> service) =>
        $"v1/namespaces/{MeridianApi.Path(run.Value(scope.Namespace))}/groups/{MeridianApi.Path(run.Value(scope.Group))}/services/{MeridianApi.Path(run.Value(service))}";

    private static async Task PatchAsync(Invocation run, ScopeOptions scope, Argument<string> service, Argument<string> instance, JsonObject patch,
        string what, CancellationToken ct)
    {
        var api = await run.ApiAsync(ct);
        var path = ServicePath(run, scope, service);
        var id = await ResolveInstanceAsync(api, path, run.Value(instance), ct);
        var updated = await api.SendAsync(HttpMethod.Patch, path + "/instances/" + MeridianApi.Path(id), patch, ct);
        if (run.Console.Json)
        {
            run.Console.WriteJson(updated);
        }

        run.Console.Done($"Instance [bold]{CliConsole.Escape(id)}[/] of {CliConsole.Escape(run.Value(service))} is now {CliConsole.Escape(what)}");
    }

    /// <summary>An instance id as given, or the one instance at <c>ip:port</c>.</summary>
    private static async Task<string> ResolveInstanceAsync(MeridianApi api, string servicePath, string given, CancellationToken ct)
    {
        var instances = (await api.GetAsync(servicePath + "/instances", ct))!["instances"]!.AsArray();
        if (instances.Any(i => i!["instanceId"]!.GetValue<string>() == given))
        {
            return given;
        }

        var atAddress = instances.Where(i => $"{i!["ip"]}:{i["port"]}" == given).Select(i => i!["instanceId"]!.GetValue<string>()).ToList();
        return atAddress.Count switch
        {
            1 => atAddress[0],
            0 => throw new CliException(ExitCodes.NotFound, $"No instance '{given}' (by id or ip:port); 'meridian svc show' lists them."),
            _ => throw CliException.Usage($"{atAddress.Count} instances are at {given} (in different clusters); give the instance id: {string.Join(", ", atAddress)}."),
        };
    }

    private static string Flag(bool value) => value ? "[green]yes[/]" : "[red]no[/]";

}
