using System.Globalization;

namespace Meridian.LoadTest;

/// <summary>
/// What else the machine did while a row ran: the 1-minute load average at the row's start and end, and the CPU that
/// processes other than the two servers and this load generator used meanwhile (all of /proc/stat's busy time minus
/// theirs). A row measured while either was high says so instead of giving a verdict.
/// </summary>
internal sealed record RunConditions(double LoadAtStart, double LoadAtEnd, double OtherCores)
{
    /// <summary>The rule: above 3 on the 1-minute load average, the row is not to be read as a result.</summary>
    public const double MaxLoad = 3;

    /// <summary>Other processes using more than this share of one core also make the row unreliable.</summary>
    public const double MaxOtherCores = 0.25;

    public bool Reliable => Math.Max(LoadAtStart, LoadAtEnd) <= MaxLoad && OtherCores <= MaxOtherCores;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"load {LoadAtStart:0.0}→{LoadAtEnd:0.0}, others {OtherCores:0.00} cores");

    /// <summary>A reading taken when a row starts; <see cref="End"/> turns it into the row's conditions.</summary>
    public sealed class Mark(double load, double busySeconds, double ownSeconds, DateTime at)
    {
        public static Mark Take(params int[] pids) => new(LoadAverage1(), BusySeconds(), OwnSeconds(pids), DateTime.UtcNow);

        public RunConditions End(params int[] pids)
        {
            var seconds = Math.Max(0.001, (DateTime.UtcNow - at).TotalSeconds);
            var others = (BusySeconds() - busySeconds) - (OwnSeconds(pids) - ownSeconds);
            return new RunConditions(load, LoadAverage1(), Math.Max(0, others) / seconds);
        }
    }

    private static double LoadAverage1() =>
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
