using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Meridian.LoadTest.Storm;

/// <summary>What the storm measured: Stopwatch timestamps of its milestones and of each client's loss and reconnect (0 = never).</summary>
internal sealed record StormResult(
    StormSettings Settings,
    TimeSpan ConnectTime,
    long KilledAt,
    long RestartedAt,
    long ReadyAt,
    long[] LostAt,
    long[] ReconnectedAt,
    int[] FailedConnects,
    int[] Connects,
    int[] Silences,
    Generator Generator,
    IReadOnlyList<ProbeResult> Probes,
    IReadOnlyList<(long At, double Percent)> Cpu,
    (int Pushed, double LastMs) Resubscribed);

/// <summary>The clients' own process during the storm: its GC pauses from the kill until the last reconnect, and its working set.</summary>
internal sealed record Generator(TimeSpan GcPauses, long WorkingSetBytes);

/// <summary>
/// The storm's Markdown: the timeline from the kill, the spread of the reconnects after the server was ready
/// (percentiles, and a count per 500 ms with the probe's latency and the server's CPU in the same slot), and the probe
/// before and during the storm.
/// </summary>
internal static class StormReport
{
    private const double BucketMs = 500;

    public static string Markdown(StormResult r, string loadAtStart)
    {
        var n = r.ReconnectedAt.Length;
        var reconnected = r.ReconnectedAt.Where(t => t != 0).Select(t => StormRun.Ms(r.ReadyAt, t)).Order().ToList();
        var lossMs = r.LostAt.Where(t => t != 0).Select(t => StormRun.Ms(r.KilledAt, t)).Order().ToList();
        var lastMs = reconnected.Count == 0 ? double.NaN : reconnected[^1];
        var stormEnd = r.ReadyAt + (long)((double.IsNaN(lastMs) ? 0 : lastMs) / 1000 * Stopwatch.Frequency);
        var before = r.Probes.Where(p => p.SentAt < r.KilledAt).ToList();
        var during = r.Probes.Where(p => p.SentAt >= r.ReadyAt && p.SentAt <= stormEnd).ToList();
        var buckets = Buckets(r, reconnected, stormEnd);
        var peakCpu = buckets.Where(b => b.FromMs >= 0 && double.IsFinite(b.CpuMean)).Select(b => b.CpuMean).DefaultIfEmpty(double.NaN).Max();
        var meanCpu = buckets.Where(b => b.FromMs >= 0 && double.IsFinite(b.CpuMean)).Select(b => b.CpuMean).DefaultIfEmpty(double.NaN).Average();
        var largest = buckets.Count == 0 ? 0 : buckets.Max(b => b.Reconnects);

        var sb = new StringBuilder();
        sb.AppendLine(I($"# Meridian reconnect storm: {n:N0} clients ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)"));
        sb.AppendLine();
        sb.AppendLine(I($"{n:N0} clients of the .NET client library (`Meridian.Client`, each its own `AddMeridianDiscovery` container and connection) subscribed to ") +
                      I($"{r.Settings.Services} services ({n / Math.Max(1, r.Settings.Services)} each) were connected in {r.ConnectTime.TotalSeconds:0.0} s, 250 at a time. ") +
                      "The server was then killed with SIGKILL and started again at once on the same data directory and ports (bench/storm.sh). " +
                      "The clients keep the library's reconnect settings: delay 500 ms doubling per failure up to 30 s, each a random delay in [d/2, d]; " +
                      I($"they ping a server quiet for {r.Settings.ClientPingSeconds:0.#} s and give it {r.Settings.ClientPingSeconds:0.#} s to answer (`--client-ping-seconds`; the library's default is 1 s each)."));
        sb.AppendLine();
        sb.AppendLine("## Summary");
        sb.AppendLine();
        sb.AppendLine(I($"- Timeline from the kill: the clients logged their sessions' end after p50 {Pct(lossMs, 50):0} ms, p99 {Pct(lossMs, 99):0} ms ({lossMs.Count:N0} of {n:N0} logged one); ") +
                      I($"the new process started at {StormRun.Ms(r.KilledAt, r.RestartedAt):0} ms and answered `/health/ready` at {StormRun.Ms(r.KilledAt, r.ReadyAt):0} ms."));
        sb.AppendLine(I($"- Reconnected: {reconnected.Count:N0} of {n:N0}; from the server ready to the session re-established (Welcome): ") +
                      I($"p50 {Pct(reconnected, 50):0} ms, p90 {Pct(reconnected, 90):0} ms, p99 {Pct(reconnected, 99):0} ms, all {lastMs:0} ms (first {Pct(reconnected, 0):0} ms)."));
        sb.AppendLine(I($"- Spread: the busiest 500 ms held {largest:N0} reconnects ({largest / (double)Math.Max(1, n):0%} of the clients) over {buckets.Count} slots with any; ") +
                      I($"failed connects per client while the server was away: mean {r.FailedConnects.Average():0.0}, max {r.FailedConnects.Max()}."));
        sb.AppendLine(I($"- Probe (`GET` of an instance list every 50 ms from a process of its own, 2 s deadline): before the kill p50 {Latency(before).P50:0.00} / p99 {Latency(before).P99:0.00} ms; ") +
                      I($"from ready until the last reconnect p50 {Latency(during).P50:0.00} / p99 {Latency(during).P99:0.00} / max {Latency(during).Max:0.00} ms over {during.Count} probes, {during.Count(p => !p.Ok)} failed") +
                      Failures(during) + ".");
        sb.AppendLine(I($"- Server CPU from ready until the last reconnect: peak {peakCpu:0} % of one core over a 500 ms slot, mean {meanCpu:0} % ({Environment.ProcessorCount} cores, 200 % = both)."));
        sb.AppendLine(I($"- Sessions established from the kill on: {r.Connects.Sum():N0} for {n:N0} clients; {r.Connects.Count(c => c > 1):N0} clients lost a new session again, ") +
                      I($"{r.Silences.Sum():N0} sessions ended by the client for silence (nothing heard within its ping interval plus deadline)."));
        sb.AppendLine(I($"- Subscriptions replayed: after the storm one instance registered in every service reached {r.Resubscribed.Pushed:N0} of {n:N0} clients, the last {r.Resubscribed.LastMs:0} ms after the first registration."));
        sb.AppendLine();
        sb.AppendLine("## Reconnects per 500 ms after ready");
        sb.AppendLine();
        sb.AppendLine("| from ready | reconnects | cumulative | probes | probe p50 ms | probe p99 ms | probe failures | server CPU % (mean / peak) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        var cumulative = 0;
        foreach (var b in buckets)
        {
            cumulative += b.Reconnects;
            sb.AppendLine(I($"| {b.FromMs / 1000:0.0}–{(b.FromMs + BucketMs) / 1000:0.0} s | {b.Reconnects:N0} | {cumulative / (double)Math.Max(1, n):0.0%} | {b.Probes.Count} | ") +
                          I($"{Latency(b.Probes).P50:0.00} | {Latency(b.Probes).P99:0.00} | {b.Probes.Count(p => !p.Ok)} | {b.CpuMean:0} / {b.CpuPeak:0} |"));
        }

        sb.AppendLine();
        sb.AppendLine("## Run");
        sb.AppendLine();
        sb.AppendLine(I($"- Machine: {Environment.ProcessorCount} cores shared by the server and the {n:N0} clients (one process); load average at start {loadAtStart}, at end {Report.LoadAverage()}."));
        sb.AppendLine(I($"- The clients' process: {r.Generator.WorkingSetBytes / 1048576.0:N0} MiB working set; its garbage collector paused it for {r.Generator.GcPauses.TotalSeconds:0.0} s in all ") +
                      "from the kill until the last reconnect (a pause delays the clients' own reconnects and their log lines, which then land together).");
        sb.AppendLine("- A client's reconnect time is when its connection logged the session established (the server's Welcome), read through the client's logging; " +
                      "its subscription is replayed right after, which the last line of the summary checks.");
        sb.AppendLine("- The server counts as ready at the probe process's first `200` from `/health/ready` (polled every 10 ms) after the kill; " +
                      "the client port accepts a little earlier, so the first reconnects can come before it (negative times).");
        sb.AppendLine("- The client's backoff draws its jitter from `Random.Shared` (not seedable), so two runs spread differently.");
        return sb.ToString();
    }

    private sealed record Bucket(double FromMs, int Reconnects, List<ProbeResult> Probes, double CpuMean, double CpuPeak);

    private static List<Bucket> Buckets(StormResult r, List<double> reconnected, long stormEnd)
    {
        var end = Math.Max(reconnected.Count == 0 ? 0 : reconnected[^1], StormRun.Ms(r.ReadyAt, stormEnd));
        var start = Math.Min(0, reconnected.Count == 0 ? 0 : Math.Floor(reconnected[0] / BucketMs) * BucketMs);
        var list = new List<Bucket>();
        for (var from = start; from <= end; from += BucketMs)
        {
            var to = from + BucketMs;
            var probes = r.Probes.Where(p => StormRun.Ms(r.ReadyAt, p.SentAt) is var t && t >= from && t < to).ToList();
            var cpu = r.Cpu.Where(c => StormRun.Ms(r.ReadyAt, c.At) is var t && t >= from && t < to).Select(c => c.Percent).ToList();
            list.Add(new Bucket(from, reconnected.Count(t => t >= from && t < to), probes,
                cpu.Count == 0 ? double.NaN : cpu.Average(), cpu.Count == 0 ? double.NaN : cpu.Max()));
        }

        return list;
    }

    private static string Failures(IEnumerable<ProbeResult> probes)
    {
        var kinds = probes.Where(p => !p.Ok).GroupBy(p => p.Error).Select(g => I($"{g.Key} ×{g.Count()}")).ToList();
        return kinds.Count == 0 ? "" : " (" + string.Join(", ", kinds) + ")";
    }

    private static Latency Latency(IEnumerable<ProbeResult> probes) => LoadTest.Latency.FromMicros(probes.Where(p => p.Ok).Select(p => p.Micros));

    private static double Pct(List<double> sorted, double percentile) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
