namespace Meridian.LoadTest.Storm;

/// <summary>The reconnect storm's command line (<c>--storm</c>).</summary>
internal sealed class StormSettings
{
    public required Uri MeridianHttp { get; init; }
    public required Uri MeridianGrpc { get; init; }

    /// <summary>
    /// The file holding the server's pid: the storm kills that process, and whoever started it (bench/storm.sh) starts it
    /// again on the same data directory and ports and writes the new pid there.
    /// </summary>
    public required string PidFile { get; init; }
    public required string MeridianUser { get; init; }
    public string? MeridianPassword { get; init; }
    public required string OutputDirectory { get; init; }

    /// <summary>Client connections, each a whole client (its own DI container, connection and cache) subscribed to one service.</summary>
    public required int Clients { get; init; }

    /// <summary>The services the clients subscribe to, client i to service i mod this.</summary>
    public required int Services { get; init; }

    /// <summary>
    /// The clients' <c>Meridian:Connection:PingInterval</c> and <c>PingTimeout</c> (<c>--client-ping-seconds</c>, 5 s each;
    /// the library's defaults are 1 s): thousands of clients in one process on a small machine answer a ping late, and
    /// at 1 s + 1 s they take their own starved sessions for a silent server and reconnect again and again.
    /// </summary>
    public required double ClientPingSeconds { get; init; }

    /// <summary>A scratch folder for the clients' discovery snapshots, one subfolder per client.</summary>
    public required string SnapshotDirectory { get; init; }

    private const string Usage =
        "Usage: MERIDIAN_ADMIN_PASSWORD=... Meridian.LoadTest --storm --meridian http://127.0.0.1:P --meridian-grpc http://127.0.0.1:G --meridian-pid-file FILE " +
        "--snapshots DIR [--clients 5000] [--services 50] [--client-ping-seconds 5] [--out DIR] [--meridian-user admin]";

    public static StormSettings Parse(string[] args)
    {
        var a = Args.Parse(args, new HashSet<string>(StringComparer.Ordinal) { "storm" }, Usage);
        return new StormSettings
        {
            MeridianHttp = new Uri(a.Need("meridian")),
            MeridianGrpc = new Uri(a.Need("meridian-grpc")),
            PidFile = a.Need("meridian-pid-file"),
            MeridianUser = a.Text("meridian-user", "admin"),
            MeridianPassword = Environment.GetEnvironmentVariable(Settings.PasswordVariable),
            OutputDirectory = a.Text("out", "bench/results/storm"),
            Clients = a.Int("clients", 5_000),
            Services = a.Int("services", 50),
            SnapshotDirectory = a.Need("snapshots"),
            ClientPingSeconds = a.Double("client-ping-seconds", 5),
        };
    }
}
