namespace Meridian.LoadTest.Soak;

/// <summary>The soak's command line (<c>--soak</c>): the server, how long, and how much of each load.</summary>
internal sealed class SoakSettings
{
    public required Uri MeridianHttp { get; init; }
    public required int MeridianPid { get; init; }
    public required string MeridianUser { get; init; }
    public string? MeridianPassword { get; init; }
    public required string OutputDirectory { get; init; }
    public required TimeSpan Duration { get; init; }

    /// <summary>Ephemeral instances, each heartbeating once per <see cref="HeartbeatInterval"/>.</summary>
    public required int Instances { get; init; }

    /// <summary>The server's <c>Meridian:Registry:HeartbeatInterval</c> (5 s by default), the pace every instance beats at.</summary>
    public required TimeSpan HeartbeatInterval { get; init; }

    /// <summary>New registrations per second, and as many deregistrations of instances registered earlier.</summary>
    public required double ChurnPerSecond { get; init; }

    /// <summary>How many churned instances are alive at once; each lives about this many / <see cref="ChurnPerSecond"/> seconds.</summary>
    public int ChurnAlive => (int)(ChurnPerSecond * 10);

    public required int Listeners { get; init; }

    /// <summary>The configs the listeners are spread over; the publishes go round them, one config per publish.</summary>
    public required int ListenedConfigs { get; init; }

    public required double PublishesPerSecond { get; init; }
    public required TimeSpan SampleInterval { get; init; }

    /// <summary>The first part of the run, left out of the verdict's baseline: a tenth of the run, 30 s to 2 min.</summary>
    public TimeSpan Warmup => TimeSpan.FromSeconds(Math.Clamp(Duration.TotalSeconds / 10, 30, 120));

    public double HeartbeatsPerSecond => Instances / HeartbeatInterval.TotalSeconds;

    private const string Usage =
        "Usage: MERIDIAN_ADMIN_PASSWORD=... Meridian.LoadTest --soak --meridian http://127.0.0.1:P --meridian-pid PID [--minutes 30] [--out DIR] " +
        "[--instances 10000] [--heartbeat-seconds 5] [--churn 100] [--listeners 1000] [--listened-configs 10] [--publishes 1] [--sample-seconds 10] [--meridian-user admin]";

    public static SoakSettings Parse(string[] args)
    {
        var a = Args.Parse(args, new HashSet<string>(StringComparer.Ordinal) { "soak" }, Usage);
        return new SoakSettings
        {
            MeridianHttp = new Uri(a.Need("meridian")),
            MeridianPid = int.Parse(a.Need("meridian-pid"), System.Globalization.CultureInfo.InvariantCulture),
            MeridianUser = a.Text("meridian-user", "admin"),
            MeridianPassword = Environment.GetEnvironmentVariable(Settings.PasswordVariable),
            OutputDirectory = a.Text("out", "bench/results/soak"),
            Duration = TimeSpan.FromMinutes(a.Double("minutes", 30)),
            Instances = a.Int("instances", 10_000),
            HeartbeatInterval = TimeSpan.FromSeconds(a.Double("heartbeat-seconds", 5)),
            ChurnPerSecond = a.Double("churn", 100),
            Listeners = a.Int("listeners", 1_000),
            ListenedConfigs = a.Int("listened-configs", 10),
            PublishesPerSecond = a.Double("publishes", 1),
            SampleInterval = TimeSpan.FromSeconds(a.Double("sample-seconds", 10)),
        };
    }
}
