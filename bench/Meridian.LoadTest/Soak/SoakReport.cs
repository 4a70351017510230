using System.Globalization;
using System.Text;

namespace Meridian.LoadTest.Soak;

/// <summary>
/// The soak's Markdown: a row per interval (server memory, threads, open files, CPU; each load's rate, p50/p99 and
/// failures) and the verdict: the end of the run against the first interval after warm-up, and the p99 of the last
/// third of the intervals against the first third's.
/// </summary>
internal static class SoakReport
{
    /// <summary>The loads in the order of the table, with the name their <see cref="IntervalStats"/> carries.</summary>
    public static readonly string[] Loads = ["heartbeat", "register", "deregister", "publish", "notify"];

    private const double MemoryTolerance = 0.10;
    private const double ThreadTolerance = 0.10;
    private const double P99Tolerance = 1.5;
    private const double P99FloorMs = 5;

    public static string Markdown(SoakSettings settings, IReadOnlyList<SoakSample> samples, IReadOnlyList<IntervalStats> loads, string notes, string loadAtStart)
    {
        var sb = new StringBuilder();
        var minutes = settings.Duration.TotalMinutes;
        sb.AppendLine(Invariant($"# Meridian soak, {minutes:0.##} minutes ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)"));
        sb.AppendLine();
        if (minutes < 30)
        {
            sb.AppendLine(Invariant($"**Short run ({minutes:0.##} min) to check the scenario works; the soak's figures come from a 30-minute run.**"));
            sb.AppendLine();
        }

        sb.AppendLine(Invariant($"Held at once: {settings.Instances:N0} ephemeral instances heartbeating over HTTP every {settings.HeartbeatInterval.TotalSeconds:0.#} s ") +
                      Invariant($"({settings.HeartbeatsPerSecond:N0} beats/s, spread evenly); {settings.ChurnPerSecond:0} registrations/s and as many deregistrations of others ") +
                      Invariant($"({settings.ChurnAlive:N0} churned instances alive at once); {settings.Listeners:N0} config long-poll listeners over {settings.ListenedConfigs} configs, ") +
                      Invariant($"re-armed after each answer; {ConfigPublisher.Describe(settings.PublishesPerSecond, settings.ListenedConfigs)}. ") +
                      Invariant($"Sampled every {settings.SampleInterval.TotalSeconds:0} s; the first {settings.Warmup.TotalSeconds:0} s are warm-up."));
        sb.AppendLine();
        sb.AppendLine("## Verdict");
        sb.AppendLine();
        foreach (var line in Verdict(settings, samples))
        {
            sb.AppendLine("- " + line);
        }

        sb.AppendLine();
        sb.AppendLine("## Whole run");
        sb.AppendLine();
        sb.AppendLine("| Load | Count | p50 ms | p99 ms | p99.9 ms | max ms | failures |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var load in loads)
        {
            var t = load.Total;
            var errors = Errors(samples.Select(s => s.Of(load.Name)));
            sb.AppendLine(Invariant($"| {load.Name} | {t.Count:N0} | {t.P50:0.00} | {t.P99:0.00} | {t.P999:0.00} | {t.Max:0.00} | {errors} |"));
        }

        sb.AppendLine();
        sb.AppendLine("## Per interval");
        sb.AppendLine();
        sb.AppendLine("Memory: VmRSS and its anonymous part (RssAnon: the GC heap and native allocations) of the server process; threads " +
                      "from `/proc/PID/status`, open descriptors from `/proc/PID/fd`, CPU % of one core over the interval. Latencies p50 / p99 in ms.");
        sb.AppendLine();
        sb.AppendLine("| t | RSS MiB | anon MiB | threads | fds | CPU % | beats/s | heartbeat | register | deregister | publish | notify | failures |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---|---|");
        foreach (var s in samples)
        {
            var beats = s.Of("heartbeat").Count / settings.SampleInterval.TotalSeconds;
            sb.Append(Invariant($"| {s.Elapsed:hh\\:mm\\:ss}{(s.Elapsed < settings.Warmup ? " (warm-up)" : "")} | {Mib(s.RssBytes):0} | {Mib(s.AnonBytes):0} | {s.Threads} | {s.OpenFds} | {s.CpuPercent:0} | {beats:N0} |"));
            foreach (var name in Loads)
            {
                var l = s.Of(name).Latency;
                sb.Append(l.Count == 0 ? " — |" : Invariant($" {l.P50:0.0} / {l.P99:0.0} |"));
            }

            sb.AppendLine(" " + Errors([.. s.Ops.Select(o => o.Ops)], withNames: s.Ops.Select(o => o.Name).ToList()) + " |");
        }

        sb.AppendLine();
        sb.AppendLine("## Run");
        sb.AppendLine();
        sb.AppendLine(notes);
        sb.AppendLine(Invariant($"- Machine: {Environment.ProcessorCount} cores, shared by the server and the load generator; load average at start {loadAtStart}, at end {Report.LoadAverage()}."));
        return sb.ToString();
    }

    public static IReadOnlyList<string> Verdict(SoakSettings settings, IReadOnlyList<SoakSample> samples)
    {
        var steady = samples.Where(s => s.Elapsed >= settings.Warmup).ToList();
        if (steady.Count < 2)
        {
            return ["Too few intervals after warm-up for a verdict."];
        }

        var first = steady[0];
        var end = steady[^1];
        var lines = new List<string>();
        var rssGrowth = (end.RssBytes - first.RssBytes) / (double)first.RssBytes;
        var anonGrowth = (end.AnonBytes - first.AnonBytes) / (double)first.AnonBytes;
        var memoryFlat = rssGrowth <= MemoryTolerance;
        lines.Add(Invariant($"Memory {(memoryFlat ? "flat" : "GREW")}: RSS {Mib(first.RssBytes):0} MiB after warm-up ({first.Elapsed:hh\\:mm\\:ss}), {Mib(end.RssBytes):0} MiB at the end ") +
                  Invariant($"({rssGrowth:+0.0%;-0.0%}), peak {Mib(steady.Max(s => s.RssBytes)):0} MiB; anonymous {Mib(first.AnonBytes):0} → {Mib(end.AnonBytes):0} MiB ({anonGrowth:+0.0%;-0.0%}). ") +
                  Invariant($"Flat = the end within {MemoryTolerance:0%} of after warm-up."));
        var threadsFlat = end.Threads <= first.Threads * (1 + ThreadTolerance) + 2;
        lines.Add(Invariant($"Threads {(threadsFlat ? "flat" : "GREW")}: {first.Threads} after warm-up, {end.Threads} at the end, {steady.Min(s => s.Threads)}–{steady.Max(s => s.Threads)} over the run; ") +
                  Invariant($"open descriptors {first.OpenFds} → {end.OpenFds} ({steady.Min(s => s.OpenFds)}–{steady.Max(s => s.OpenFds)})."));
        var third = Math.Max(1, steady.Count / 3);
        var drifts = new List<string>();
        var p99Flat = true;
        foreach (var name in Loads)
        {
            var early = Pooled(steady.Take(third), name).P99;
            var late = Pooled(steady.Skip(steady.Count - third), name).P99;
            if (double.IsNaN(early) || double.IsNaN(late))
            {
                continue;
            }

            var flat = late <= Math.Max(early * P99Tolerance, early + P99FloorMs);
            p99Flat &= flat;
            drifts.Add(Invariant($"{name} {early:0.0} → {late:0.0} ms{(flat ? "" : " (drifted)")}"));
        }

        lines.Add(Invariant($"p99 {(p99Flat ? "flat" : "DRIFTED")} (p99 over the first third of the intervals after warm-up → over the last third): ") + string.Join("; ", drifts) +
                  Invariant($". Flat = the last within {P99Tolerance:0.0}× (or +{P99FloorMs:0} ms) of the first."));
        var failures = samples.Sum(s => s.Errors);
        lines.Add(Invariant($"Failures (non-2xx answers, timeouts, connection errors): {failures:N0} over the run."));
        var steadyBeats = steady.Average(s => s.Of("heartbeat").Count) / settings.SampleInterval.TotalSeconds;
        lines.Add(Invariant($"Heartbeats achieved {steadyBeats:N0}/s of {settings.HeartbeatsPerSecond:N0}/s asked, on average after warm-up."));
        lines.Add((memoryFlat && threadsFlat && p99Flat ? "**Verdict: flat**" : "**Verdict: not flat** (see above)") +
                  Invariant($" — memory, threads and p99; with {failures:N0} failures."));
        return lines;
    }

    private static string Errors(IEnumerable<IntervalSnapshot> snapshots, IReadOnlyList<string>? withNames = null)
    {
        var list = snapshots.ToList();
        var parts = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            foreach (var (kind, count) in list[i].Errors)
            {
                parts.Add(Invariant($"{(withNames is null ? "" : withNames[i] + " ")}{kind} ×{count}"));
            }
        }

        if (withNames is null)
        {
            // Over the whole run: one total per kind.
            parts = [.. list.SelectMany(s => s.Errors).GroupBy(e => e.Key).Select(g => Invariant($"{g.Key} ×{g.Sum(e => e.Value)}"))];
        }

        return parts.Count == 0 ? "0" : string.Join(", ", parts);
    }

    private static Latency Pooled(IEnumerable<SoakSample> samples, string load)
    {
        var all = Load.NewHistogram();
        foreach (var s in samples)
        {
            all.Add(s.Of(load).Histogram);
        }

        return Latency.From(all);
    }

    private static double Mib(long bytes) => bytes / 1048576.0;

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
