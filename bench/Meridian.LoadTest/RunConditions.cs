using System.Globalization;

namespace Meridian.LoadTest;

/// <summary>
/// What else the machine did while a row ran: the 1-minute load average at the row's start and end, and the CPU that
/// processes other than the two servers and this load generator (and the run's own helpers) used meanwhile, from
/// /proc/stat's busy time minus theirs. The load average is shown but does not judge a row: on 2 cores the suite's own
/// 64 workers, server threads and etcd keep it at 4-6 on a machine doing nothing else. What judges a row is the other
/// processes' CPU, and the load average before the suite started (<see cref="RunLoadAtStart"/>).
/// </summary>
internal sealed record RunConditions(double LoadAtStart, double LoadAtEnd, double OtherCores, double Seconds, double RunLoadAtStart)
{
    /// <summary>Above this 1-minute load average before the suite started, other work was running: no row of the run is judged.</summary>
    public const double MaxLoad = 3;

    /// <summary>Other processes using more than this share of one core during a row make it unreliable.</summary>
    public const double MaxOtherCores = 0.25;

    /// <summary>Below this a row's window is too short for CPU accounting in 10 ms ticks; it takes the row before's conditions.</summary>
    public const double MinSeconds = 1;

    public bool Reliable => !(RunLoadAtStart > MaxLoad) && !(OtherCores > MaxOtherCores);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"load {LoadAtStart:0.0}→{LoadAtEnd:0.0}, others {OtherCores:0.00} cores");

    /// <summary>A reading taken when a row starts; <see cref="End"/> turns it into the row's conditions.</summary>
    public sealed class Mark(double runLoad, double load, double busySeconds, double ownSeconds, DateTime at)
    {
        /// <param name="runLoad">The 1-minute load average before the suite started (<see cref="LoadAverage1"/> then).</param>
        public static Mark Take(double runLoad, params int[] pids) => new(runLoad, LoadAverage1(), BusySeconds(), OwnSeconds(pids), DateTime.UtcNow);

        public RunConditions End(params int[] pids)
        {
            var seconds = (DateTime.UtcNow - at).TotalSeconds;
            var others = (BusySeconds() - busySeconds) - (OwnSeconds(pids) - ownSeconds);
            return new RunConditions(load, LoadAverage1(), Math.Max(0, others) / Math.Max(MinSeconds, seconds), seconds, runLoad);
        }
    }

    public static double LoadAverage1() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;

    /// <summary>CPU seconds every core spent busy so far (the first line of /proc/stat less idle and iowait).</summary>
    private static double BusySeconds()
    {
        if (!File.Exists("/proc/stat"))
        {
            return 0;
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal [guest guest_nice: already counted in user and nice]
        var total = fields.Take(8).Sum();
        return (total - fields[3] - fields[4]) / 100.0;
    }

    /// <summary>The CPU seconds of the run's processes and of all their descendants (PostgreSQL's backends, nginx's workers).</summary>
    private static double OwnSeconds(int[] pids)
    {
        if (!Directory.Exists("/proc/self"))
        {
            return 0;
        }

        var parents = new Dictionary<int, int>();
        var cpu = new Dictionary<int, double>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                cpu[pid] = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            }
            catch (IOException)
            {
                // The process ended while it was read.
            }
        }

        var roots = new HashSet<int>(pids.Where(p => p > 0)) { Environment.ProcessId };
        bool Belongs(int pid)
        {
            for (var depth = 0; depth < 64 && pid > 1; depth++)
            {
                if (roots.Contains(pid))
                {
                    return true;
                }

                if (!parents.TryGetValue(pid, out pid))
                {
                    return false;
                }
            }

            return false;
        }

        return cpu.Where(p => Belongs(p.Key)).Sum(p => p.Value);
    }
}
