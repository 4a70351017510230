using System.Globalization;

namespace Meridian.LoadTest.Storm;

/// <summary>
/// <c>--probe</c>: the storm's probe, in a process of its own so the clients' work does not delay it. Prints a line per
/// probe (<c>P sentAt micros error|-</c>) and per readiness change (<c>R 1|0 at</c>), with Stopwatch timestamps (the
/// system's monotonic clock, the same in every process), until its standard input closes.
/// </summary>
internal static class ProbeRun
{
    public const string KeyVariable = "MERIDIAN_PROBE_KEY";

    public static async Task<int> RunAsync(string[] args)
    {
        var a = Args.Parse(args, new HashSet<string>(StringComparer.Ordinal) { "probe" },
            $"Usage: {KeyVariable}=mrd_... Meridian.LoadTest --probe --meridian http://127.0.0.1:P --path v1/...");
        var server = new Uri(a.Need("meridian"));
        var key = Environment.GetEnvironmentVariable(KeyVariable) ?? throw new InvalidOperationException($"Set {KeyVariable} to an access key.");
        using var http = Http.Client(server, 64, key);
        using var health = Http.Client(server, 4);
        var gate = new Lock();
        void Write(string line)
        {
            lock (gate)
            {
                Console.Out.WriteLine(line);
                Console.Out.Flush();
            }
        }

        using var stop = new CancellationTokenSource();
        var probe = new ListProbe(http, a.Need("path"), r => Write(string.Create(CultureInfo.InvariantCulture, $"P {r.SentAt} {r.Micros} {r.Error?.Replace(' ', '_') ?? "-"}")));
        var ready = new ReadyWatch(health, (up, at) => Write(string.Create(CultureInfo.InvariantCulture, $"R {(up ? 1 : 0)} {at}")));
        var running = Task.WhenAll(probe.RunAsync(stop.Token), ready.RunAsync(stop.Token));
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        await stop.CancelAsync();
        await running;
        return 0;
    }
}
