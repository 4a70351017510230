using System.Diagnostics;
using System.Globalization;

namespace Meridian.LoadTest.Storm;

/// <summary>
/// <c>--storm</c>: connects the clients (each subscribed to a service and holding its first push), kills the server
/// with SIGKILL, waits for it to come back (bench/storm.sh starts it again on the same data and ports) and for every
/// client to re-establish its session, probing the server's instance list every 50 ms (from a process of its own) and
/// its CPU every 100 ms throughout; then changes every service once to check each client's subscription was replayed.
/// </summary>
internal static class StormRun
{
    private static readonly TimeSpan ReconnectLimit = TimeSpan.FromMinutes(2);

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = StormSettings.Parse(args);
        var loadAtStart = Report.LoadAverage();
        using var abort = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            abort.Cancel();
        };
        var ct = abort.Token;
        var key = await AccessKeys.CreateAsync(settings.MeridianHttp, settings.MeridianUser, settings.MeridianPassword, ct);
        using var http = Http.Client(settings.MeridianHttp, 16, key);
        var services = Enumerable.Range(0, settings.Services).Select(s => string.Create(CultureInfo.InvariantCulture, $"storm-{s:D3}")).ToArray();
        for (var s = 0; s < services.Length; s++)
        {
            await Http.SendAsync(http, HttpMethod.Post, MeridianTarget.Instances(services[s]), MeridianTarget.Registration(s), ct);
        }

        // The probe lists a service of persistent instances: stored, so it is there again after the restart (the
        // ephemeral instances of the subscribed services are not), and answers 200 through it.
        const string Probed = "storm-probe";
        await Http.SendAsync(http, HttpMethod.Post, MeridianTarget.Instances(Probed), Http.Json(
            """{"ip":"127.0.0.1","port":9,"ephemeral":false,"instanceId":"probe-0"}"""), ct);

        var clients = new List<StormClient>(settings.Clients);
        try
        {
            var connectTime = await ConnectAllAsync(settings, key, services, clients, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clients.Count:N0} clients connected and subscribed in {connectTime.TotalSeconds:0.0} s"));

            await using var probe = ProbeProcess.Start(settings.MeridianHttp, MeridianTarget.Instances(Probed), key);
            var cpu = new CpuSampler(() => ReadPid(settings.PidFile));
            using var probing = new CancellationTokenSource();
            var cpuRun = cpu.RunAsync(probing.Token);
            await Task.Delay(TimeSpan.FromSeconds(3), ct); // a baseline of the probe and the CPU before the storm

            foreach (var client in clients)
            {
                client.Events.Rearm();
            }

            var pausedBefore = GC.GetTotalPauseDuration();
            var oldPid = ReadPid(settings.PidFile);
            var killedAt = Stopwatch.GetTimestamp();
            using (var server = Process.GetProcessById(oldPid))
            {
                server.Kill(); // SIGKILL
            }

            Console.WriteLine($"Killed the server (pid {oldPid}) with SIGKILL; waiting for it to come back");
            var restartedAt = await WaitForNewPidAsync(settings.PidFile, oldPid, ct);
            var readyAt = await probe.ReadyAfterAsync(killedAt, TimeSpan.FromSeconds(60), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"New server pid {ReadPid(settings.PidFile)} started {Ms(killedAt, restartedAt):0} ms after the kill, ready at {Ms(killedAt, readyAt):0} ms"));

            var reconnects = clients.Select(c => c.Events.NextConnect).ToArray();
            var all = Task.WhenAll(reconnects);
            await Task.WhenAny(all, Task.Delay(ReconnectLimit, ct));
            // As at the end of the wait: a client still reconnecting counts as not reconnected, whatever happens later.
            long[] reconnectedAt = [.. reconnects.Select(t => t.IsCompletedSuccessfully ? t.Result : 0)];
            int[] failedConnects = [.. clients.Select(c => c.Events.FailedConnects)];
            int[] connects = [.. clients.Select(c => c.Events.Connects)];
            int[] silences = [.. clients.Select(c => c.Events.Silences)];
            var lastAt = reconnectedAt.Where(t => t != 0).DefaultIfEmpty(readyAt).Max();
            var generator = new Generator(GC.GetTotalPauseDuration() - pausedBefore, Environment.WorkingSet);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{reconnectedAt.Count(t => t != 0):N0} of {clients.Count:N0} clients reconnected, the last {Ms(readyAt, lastAt):0} ms after ready"));
            await Task.Delay(TimeSpan.FromSeconds(3), ct); // the probe's view just after the storm
            await probing.CancelAsync();
            await cpuRun;

            var resubscribed = await ChangeEveryServiceAsync(http, services, clients, ct);
            var result = new StormResult(settings, connectTime, killedAt, restartedAt, readyAt,
                [.. clients.Select(c => c.Events.NextLoss.IsCompletedSuccessfully ? c.Events.NextLoss.Result : 0)],
                reconnectedAt, failedConnects, connects, silences, generator,
                probe.Results, [.. cpu.Usage()], resubscribed);
            var markdown = StormReport.Markdown(result, loadAtStart);
            Directory.CreateDirectory(settings.OutputDirectory);
            var md = Path.Combine(settings.OutputDirectory, "latest.md");
            await File.WriteAllTextAsync(md, markdown, CancellationToken.None);
            Console.WriteLine();
            Console.WriteLine(markdown);
            Console.WriteLine("Wrote " + md);
            return reconnectedAt.All(t => t != 0) ? 0 : 1;
        }
        finally
        {
            await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());
        }
    }

    /// <summary>Starts the clients 250 at a time, each batch waiting for its sessions and first lists, so set-up is no storm of its own.</summary>
    private static async Task<TimeSpan> ConnectAllAsync(StormSettings settings, string key, string[] services, List<StormClient> clients, CancellationToken ct)
    {
        const int Batch = 250;
        var started = Stopwatch.StartNew();
        for (var first = 0; first < settings.Clients; first += Batch)
        {
            var batch = Enumerable.Range(first, Math.Min(Batch, settings.Clients - first))
                .Select(i => StormClient.Create(i, settings, key, services[i % services.Length])).ToList();
            clients.AddRange(batch);
            foreach (var client in batch)
            {
                await client.StartAsync(ct);
            }

            var lists = batch.Select(c => c.WaitForFirstListAsync(ct)).ToArray();
            if (!await Completes(Task.WhenAll(lists), TimeSpan.FromSeconds(120), ct))
            {
                var waiting = batch.Where((_, i) => !lists[i].IsCompleted).ToList();
                throw new TimeoutException($"{waiting.Count} of the clients {first}..{first + batch.Count - 1} had no list of their service after 120 s; " +
                                           $"{waiting.Count(c => c.Events.Connects == 0)} of them never connected.");
            }
        }

        return started.Elapsed;
    }

    private static async Task<bool> Completes(Task task, TimeSpan limit, CancellationToken ct) =>
        await Task.WhenAny(task, Task.Delay(limit, ct)) == task;

    /// <summary>Registers one more instance into every service and times until each client has the new list pushed.</summary>
    private static async Task<(int Pushed, double LastMs)> ChangeEveryServiceAsync(HttpClient http, string[] services, List<StormClient> clients, CancellationToken ct)
    {
        foreach (var client in clients)
        {
            client.RearmPush();
        }

        var start = Stopwatch.GetTimestamp();
        for (var s = 0; s < services.Length; s++)
        {
            await Http.SendAsync(http, HttpMethod.Post, MeridianTarget.Instances(services[s]), MeridianTarget.Registration(services.Length + s), ct);
        }

        var pushes = clients.Select(c => c.NextPush).ToArray();
        await Task.WhenAny(Task.WhenAll(pushes), Task.Delay(TimeSpan.FromSeconds(30), ct));
        var done = pushes.Where(p => p.IsCompletedSuccessfully).Select(p => p.Result).ToList();
        return (done.Count, done.Count == 0 ? double.NaN : Ms(start, done.Max()));
    }

    private static async Task<long> WaitForNewPidAsync(string pidFile, int oldPid, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (ReadPid(pidFile) is var pid && pid != oldPid && pid != 0)
            {
                return Stopwatch.GetTimestamp();
            }

            await Task.Delay(10, ct);
        }

        throw new TimeoutException($"No new server pid in {pidFile} within 60 s: is bench/storm.sh restarting it?");
    }

    private static int ReadPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
