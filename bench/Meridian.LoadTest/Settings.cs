namespace Meridian.LoadTest;

/// <summary>What to run and against what; <see cref="Quick"/> shrinks every bound so the suite fits in two minutes.</summary>
internal sealed class Settings
{
    public required Uri MeridianHttp { get; init; }

    /// <summary>
    /// The nodes behind <see cref="MeridianHttp"/> when it is a load balancer in front of a cluster (<c>--meridian-nodes
    /// URL,URL</c>): a fan-out row counts the long-polls each node holds and waits for their sum.
    /// </summary>
    public IReadOnlyList<Uri> MeridianNodes { get; init; } = [];
    public required Uri MeridianGrpc { get; init; }
    public int MeridianPid { get; init; }

    /// <summary>The administrator the load test logs in as, to create the access key every Meridian call carries.</summary>
    public string MeridianUser { get; init; } = "admin";

    /// <summary>That administrator's password: from <c>MERIDIAN_ADMIN_PASSWORD</c>, the variable the server's first start reads too.</summary>
    public string? MeridianPassword { get; init; }

    /// <summary>
    /// Processes besides the two servers and the load test that belong to the run (<c>--run-pids PID,PID</c>: a cluster's
    /// other nodes, its database and its proxy): their CPU is not counted as other work in a row's conditions.
    /// </summary>
    public IReadOnlyList<int> RunPids { get; init; } = [];

    /// <summary>Every process of the run whose CPU a row's conditions do not count as other work.</summary>
    public int[] OwnPids => [MeridianPid, EtcdPid, .. RunPids];

    public required Uri Etcd { get; init; }
    public int EtcdPid { get; init; }
    public bool Quick { get; init; }
    public required string OutputDirectory { get; init; }

    /// <summary>Scenario groups to run (register, heartbeat, grpc, list, get, publish, fanout, large); empty runs all.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    public bool Runs(string group) => Only.Count == 0 || Only.Contains(group);

    /// <summary>A group the quick run (CI's, bounded in time) leaves out unless <c>--only</c> names it.</summary>
    public bool RunsBeyondQuick(string group) => Only.Contains(group) || (Only.Count == 0 && !Quick);

    /// <summary>In-flight requests: one HTTP/1.1 connection each for Meridian, the same number of gRPC calls for etcd.</summary>
    public int Concurrency { get; init; } = 64;

    public TimeSpan Duration => Quick ? TimeSpan.FromSeconds(1.5) : TimeSpan.FromSeconds(6);
    /// <summary>Long enough for the JIT to finish tiering the hot path up, on a busy machine too.</summary>
    public TimeSpan Warmup => Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(3);

    /// <summary>Registered before the measured registrations, unmeasured, so both servers are past their cold start.</summary>
    public int WarmupRegistration => Quick ? 2_000 : 10_000;
    public int SmallRegistration => Quick ? 5_000 : 10_000;
    public int LargeRegistration => Quick ? 10_000 : 100_000;

    /// <summary>How many instances go into the one service of the service-size row; its rates are timed per 10k.</summary>
    public int OneServiceRegistration => Quick ? 20_000 : 100_000;
    public int Configs => Quick ? 1_000 : 30_000;
    /// <summary>The subscriber counts of the fan-out rows (<c>--fanouts 1000,10000</c>); 1k in a quick run, 1k and 10k otherwise.</summary>
    public int[] FanOuts => FanOutCounts ?? (Quick ? [1_000] : [1_000, 10_000]);

    public int[]? FanOutCounts { get; init; }

    /// <summary>How many client connections the held-connections row opens (<c>--connections N</c>).</summary>
    public int HeldConnections { get; init; } = 50_000;
    public int FanOutTrials => Quick ? 3 : 7;
    public TimeSpan RegistrationTimeLimit => Quick ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(90);

    public static Settings Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--quick")
            {
                quick = true;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                map[args[i][2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'. " + Usage);
            }
        }

        string Need(string name) => map.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required. " + Usage);
        return new Settings
        {
            MeridianHttp = new Uri(Need("meridian")),
            FanOutCounts = map.TryGetValue("fanouts", out var fanouts)
                ? [.. fanouts.Split(',').Select(f => int.Parse(f, System.Globalization.CultureInfo.InvariantCulture))]
                : null,
            HeldConnections = map.TryGetValue("connections", out var held) ? int.Parse(held, System.Globalization.CultureInfo.InvariantCulture) : 50_000,
            MeridianNodes = map.TryGetValue("meridian-nodes", out var nodes) ? [.. nodes.Split(',').Select(n => new Uri(n))] : [],
            MeridianGrpc = new Uri(Need("meridian-grpc")),
            MeridianPid = int.Parse(Need("meridian-pid"), System.Globalization.CultureInfo.InvariantCulture),
            MeridianUser = map.TryGetValue("meridian-user", out var user) ? user : "admin",
            MeridianPassword = Environment.GetEnvironmentVariable(PasswordVariable),
            RunPids = map.TryGetValue("run-pids", out var pids)
                ? [.. pids.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))]
                : [],
            Etcd = new Uri(Need("etcd")),
            EtcdPid = int.Parse(Need("etcd-pid"), System.Globalization.CultureInfo.InvariantCulture),
            Quick = quick,
            OutputDirectory = map.TryGetValue("out", out var o) ? o : "bench/results",
            Only = map.TryGetValue("only", out var only) ? only.Split(',').ToHashSet(StringComparer.Ordinal) : new HashSet<string>(),
            Concurrency = map.TryGetValue("concurrency", out var c) ? int.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : 64,
        };
    }

    public const string PasswordVariable = "MERIDIAN_ADMIN_PASSWORD";

    private const string Usage =
        "Usage: MERIDIAN_ADMIN_PASSWORD=... Meridian.LoadTest --meridian http://127.0.0.1:P --meridian-grpc http://127.0.0.1:G --meridian-pid PID [--meridian-user admin] " +
        "--etcd http://127.0.0.1:E --etcd-pid PID [--out DIR] [--concurrency N] [--run-pids PID,PID] [--connections N] [--only register,heartbeat,large,one-service,grpc,nacos,list,get,publish,fanout,connections] [--quick]";
}
