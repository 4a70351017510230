namespace Meridian.LoadTest;

/// <summary>
/// One line of the comparison. <see cref="Ratio"/> is Meridian / etcd as measured; <see cref="Advantage"/> turns it
/// so that above 1 always means Meridian did better (more per second, or less time or memory).
/// </summary>
internal sealed record Row(
    string Id,
    string Scenario,
    string Unit,
    bool HigherIsBetter,
    double Meridian,
    double Etcd,
    Latency? MeridianLatency,
    Latency? EtcdLatency,
    string Note,
    double MeridianCpu = double.NaN,
    double EtcdCpu = double.NaN)
{
    public double Ratio => Meridian / Etcd;

    public double Advantage => HigherIsBetter ? Meridian / Etcd : Etcd / Meridian;

    /// <summary>What else the machine did while the row ran; null for a row not measured by the suite itself.</summary>
    public RunConditions? Conditions { get; init; }

    /// <summary>False when the machine was too busy with other work for the row to be read as a result.</summary>
    public bool Reliable => Conditions?.Reliable ?? true;

    public static Row Throughput(string id, string scenario, Measurement meridian, Measurement etcd, string note) =>
        new(id, scenario, "ops/s", true, meridian.OpsPerSecond, etcd.OpsPerSecond, meridian.Latency, etcd.Latency,
            Join(note, Failures("Meridian", meridian), Failures("etcd", etcd), Counts(meridian, etcd)),
            meridian.ServerCpuMicrosPerOp, etcd.ServerCpuMicrosPerOp);

    public static Row FanOut(string id, string scenario, FanOutResult meridian, FanOutResult etcd, string note) =>
        new(id, scenario, "ms until the last has it (p99)", false, meridian.Last.P99, etcd.Last.P99, meridian.Each, etcd.Each,
            Join(note, $"last one: p50 {meridian.Last.P50:0.0} ms vs {etcd.Last.P50:0.0} ms over {meridian.Changes} changes; " +
                       $"subscribe set-up {meridian.SetupSeconds:0.0} s vs {etcd.SetupSeconds:0.0} s; server CPU is per delivery"),
            meridian.ServerCpuMicrosPerDelivery, etcd.ServerCpuMicrosPerDelivery);

    private static string Counts(Measurement m, Measurement e) =>
        FormattableString.Invariant($"{m.Succeeded:N0} ops in {m.Seconds:0.0} s vs {e.Succeeded:N0} in {e.Seconds:0.0} s");

    private static string Failures(string who, Measurement m) => m.Failed == 0 ? "" : $"{who}: {m.Failed} failed ({m.FirstError})";

    private static string Join(params string[] parts) => string.Join("; ", parts.Where(p => p.Length > 0));
}
