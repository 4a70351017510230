using System.Globalization;
using System.Text;

namespace Meridian.LoadTest;

/// <summary>The Markdown table, the targets and the machine they were measured on.</summary>
internal static class Report
{
    private sealed record Target(string Text, Func<IReadOnlyDictionary<string, Row>, (bool? Met, string Measured)> Check);

    private static readonly Target[] Targets =
    [
        new("Registrations ≥ 30k/s", r => AtLeast(r, 30_000, "register", "register-large", "register-grpc")),
        new("HTTP heartbeats ≥ 50k/s", r => AtLeast(r, 50_000, "heartbeat")),
        new("Instance-list queries ≥ 60k/s", r => AtLeast(r, 60_000, "list")),
        new("Config gets ≥ 50k/s", r => AtLeast(r, 50_000, "config-get")),
        new("Durable config publishes ≥ 5k/s", r => AtLeast(r, 5_000, "publish")),
        new("One change to 10k subscribers: last within 200 ms p99", r => AtMost(r, 200, "ms", "fanout-push-10000", "fanout-config-10000")),
        new("≤ 1 KiB server memory per ephemeral instance", r => AtMost(r, 1024, "B", "instance-memory")),
        new("Every row at least as good as etcd", r =>
        {
            var behind = r.Values.Where(x => x.Reliable && x.Advantage < 1).Select(x => x.Id).ToList();
            var unreliable = r.Values.Where(x => !x.Reliable).Select(x => x.Id).ToList();
            var measured = (behind.Count == 0 ? "all reliable rows" : "behind on: " + string.Join(", ", behind)) +
                           (unreliable.Count == 0 ? "" : "; unreliable: " + string.Join(", ", unreliable));
            return (behind.Count > 0 ? false : unreliable.Count > 0 ? null : true, measured);
        }),
    ];

    private static (bool? Met, string Measured) AtLeast(IReadOnlyDictionary<string, Row> rows, double floor, params string[] ids)
    {
        var present = ids.Where(rows.ContainsKey).Select(id => rows[id]).ToList();
        return present.Count == 0
            ? (null, "not measured in this run")
            : (present.All(x => x.Meridian >= floor), string.Join("; ", present.Select(x => Invariant($"{x.Id} {x.Meridian:N0}/s") + Capacity(x))));
    }

    /// <summary>
    /// What the server's own CPU per operation would allow with the machine's cores to itself: a projection, not a
    /// measurement, since here the load generator and etcd take their share of the same cores.
    /// </summary>
    private static string Capacity(Row r) => double.IsNaN(r.MeridianCpu) || r.MeridianCpu <= 0
        ? ""
        : Invariant($" (server CPU {r.MeridianCpu:0} µs/op, ≈{Environment.ProcessorCount * 1e6 / r.MeridianCpu:N0}/s if it had the {Environment.ProcessorCount} cores to itself)");

    private static (bool? Met, string Measured) AtMost(IReadOnlyDictionary<string, Row> rows, double ceiling, string unit, params string[] ids)
    {
        var present = ids.Where(rows.ContainsKey).Select(id => rows[id]).ToList();
        return present.Count == 0
            ? (null, "not measured in this run")
            : (present.All(x => x.Meridian <= ceiling), string.Join(", ", present.Select(x => Invariant($"{x.Id} {x.Meridian:N0} {unit}"))));
    }

    public static string ConsoleLine(Row r) => Invariant(
        $"{r.Scenario,-62} Meridian {Value(r.Meridian),12} etcd {Value(r.Etcd),12} {r.Unit,-30} M/E {r.Ratio,6:0.00}  M p50/p99/p999 {r.MeridianLatency} | etcd {r.EtcdLatency} | CPU µs/op {Cpu(r.MeridianCpu)} / {Cpu(r.EtcdCpu)} | {r.Conditions?.Describe()}{(r.Reliable ? "" : " UNRELIABLE")}");

    /// <summary>The 1-, 5- and 15-minute load averages: how much else was running while the suite ran.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public static string HeldLine(HeldConnectionsResult h, RunConditions conditions) => Invariant(
        $"Held {h.Connections:N0} connections over {h.SourceAddresses} source addresses in {h.SetupSeconds:0.0} s: {h.BytesPerConnection:N0} B each, idle CPU {h.IdleCores:0.00} cores at {h.PingsPerSecond:N0} pings/s, one change to all: last p50 {h.FanOut.Last.P50:0.0} ms / p99 {h.FanOut.Last.P99:0.0} ms | {conditions.Describe()}");

    private static void AppendHeld(StringBuilder sb, HeldConnectionsResult h, RunConditions? conditions)
    {
        sb.AppendLine();
        sb.AppendLine(Invariant($"## {h.Connections:N0} held client connections (Meridian alone)"));
        sb.AppendLine();
        sb.AppendLine(Invariant(
            $"Each connection is an HTTP/2 connection of its own to the client port, subscribed to one service and pinging at the .NET client's default interval (1 s); they come from {h.SourceAddresses} loopback source addresses (127.0.0.2, …), opened 256 at a time. Conditions: {conditions?.Describe() ?? "—"}{(conditions is { Reliable: false } ? " (**unreliable**)" : "")}."));
        sb.AppendLine();
        sb.AppendLine("| Figure | Value |");
        sb.AppendLine("|---|--:|");
        sb.AppendLine(Invariant($"| Connections held | {h.Connections:N0}{(h.Requested > h.Connections ? $" of {h.Requested:N0} asked for: the open-file limit here is {h.FileLimit:N0} per process (hard), and the server needs one descriptor per connection" : "")} |"));
        sb.AppendLine(Invariant($"| Time to open and subscribe all | {h.SetupSeconds:0.0} s |"));
        sb.AppendLine(Invariant($"| Server memory per connection (VmRSS delta) | {h.BytesPerConnection:N0} B |"));
        sb.AppendLine(Invariant($"| Server CPU at idle (pings only) | {h.IdleCores:0.00} cores ({h.PingsPerSecond:N0} pings/s, {h.IdleCores * 1e6 / Math.Max(1, h.PingsPerSecond):0.0} µs each) |"));
        sb.AppendLine(Invariant($"| One instance change to all: last one p50 / p99 | {h.FanOut.Last.P50:0.0} / {h.FanOut.Last.P99:0.0} ms over {h.FanOut.Changes} changes |"));
        sb.AppendLine(Invariant($"| Each connection's delay p50 / p99 | {h.FanOut.Each.P50:0.0} / {h.FanOut.Each.P99:0.0} ms |"));
        sb.AppendLine(Invariant($"| Server CPU per delivery | {h.FanOut.ServerCpuMicrosPerDelivery:0.0} µs |"));
    }

    public static string Markdown(IReadOnlyList<Row> rows, Settings settings, string loadAtStart, HeldConnectionsResult? held = null,
        RunConditions? heldConditions = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Invariant($"# Meridian vs etcd, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC ({(settings.Quick ? "quick" : "full")} run)"));
        sb.AppendLine();
        sb.AppendLine(Invariant($"Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {MemoryGiB():0.0} GiB RAM, {Environment.OSVersion}. ") + Invariant(
                                $"Load generator, Meridian and etcd share it. {settings.Concurrency} requests in flight; rows alternate Meridian then etcd."));
        sb.AppendLine();
        sb.AppendLine(Invariant($"Load average (1 / 5 / 15 min) at the start: {loadAtStart}; at the end: {LoadAverage()}. Anything above ~2 means other work shared the cores."));
        sb.AppendLine();
        sb.AppendLine("Meridian / etcd is the raw ratio of the two values; **ahead** is read by the metric's direction " +
                      "(more per second is better; fewer milliseconds or bytes is better). Latencies are per operation, in ms; " +
                      "for fan-out rows they are each subscriber's delay from just before the change. Server CPU µs/op is the server " +
                      "process's own user+system CPU time (from /proc) during the run divided by the operations done: it is what " +
                      "the machine's other load disturbs least.");
        sb.AppendLine();
        sb.AppendLine(Invariant($"A row during which processes other than the two servers and the load test used more than {RunConditions.MaxOtherCores} of a core, or every row of a run that started with a 1-minute load average above {RunConditions.MaxLoad}, says **unreliable** instead of a verdict: read its server CPU µs/op, not its rate. The load average each row shows includes the suite's own work (4-6 on 2 cores with nothing else running), so it is shown, not used as the criterion."));
        sb.AppendLine();
        sb.AppendLine("| Scenario | Metric | Meridian | etcd | Meridian / etcd | Meridian ahead | Meridian p50 / p99 / p999 ms | etcd p50 / p99 / p999 ms | Server CPU µs/op Meridian / etcd | Conditions | Notes |");
        sb.AppendLine("|---|---|--:|--:|--:|:-:|--:|--:|--:|---|---|");
        foreach (var r in rows)
        {
            sb.AppendLine(Invariant(
                $"| {r.Scenario} | {r.Unit} | {Value(r.Meridian)} | {Value(r.Etcd)} | {r.Ratio:0.00} | {Verdict(r)} | ") + Invariant(
                $"{r.MeridianLatency?.ToString() ?? "—"} | {r.EtcdLatency?.ToString() ?? "—"} | {Cpu(r.MeridianCpu)} / {Cpu(r.EtcdCpu)} | {r.Conditions?.Describe() ?? "—"} | {r.Note} |"));
        }

        sb.AppendLine();
        sb.AppendLine("## Targets");
        sb.AppendLine();
        sb.AppendLine("| Target | Met | Measured |");
        sb.AppendLine("|---|:-:|---|");
        var byId = rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var t in Targets)
        {
            var (met, measured) = t.Check(byId);
            sb.AppendLine($"| {t.Text} | {(met is null ? "—" : met.Value ? "yes" : "**no**")} | {measured} |");
        }

        if (held is not null)
        {
            AppendHeld(sb, held, heldConditions);
        }

        return sb.ToString();
    }

    private static string Verdict(Row r) => !r.Reliable ? "unreliable" : r.Advantage >= 1 ? "yes" : "**no**";

    private static string Value(double v) => double.IsNaN(v) ? "—" : v >= 100 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Cpu(double micros) => double.IsNaN(micros) ? "—" : micros.ToString("0.0", CultureInfo.InvariantCulture);

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    private static double MemoryGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1048576.0;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
