using System.Globalization;

namespace Meridian.LoadTest.Soak;

/// <summary>
/// <c>--soak</c>: registers the fleet, starts its heartbeats, holds the listeners, then runs heartbeats, churn,
/// listeners and publishes together for the whole duration, sampling the server as it goes, and writes
/// <c>latest.md</c>. Failures are counted per interval; only a failed set-up stops the run.
/// </summary>
internal static class SoakRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = SoakSettings.Parse(args);
        var loadAtStart = Report.LoadAverage();
        using var abort = new CancellationTokenSource(settings.Duration + TimeSpan.FromMinutes(5));
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            abort.Cancel();
        };
        var ct = abort.Token;

        var key = await AccessKeys.CreateAsync(settings.MeridianHttp, settings.MeridianUser, settings.MeridianPassword, ct);
        using var admin = Http.Client(settings.MeridianHttp, 8, key);
        using var beatsHttp = Bounded(Http.Client(settings.MeridianHttp, 256, key));
        using var churnHttp = Bounded(Http.Client(settings.MeridianHttp, 128, key));
        using var publishHttp = Bounded(Http.Client(settings.MeridianHttp, 8, key));
        using var listenHttp = Http.Client(settings.MeridianHttp, settings.Listeners + 16, key);

        var beats = new IntervalStats("heartbeat");
        var registrations = new IntervalStats("register");
        var deregistrations = new IntervalStats("deregister");
        var publishes = new IntervalStats("publish");
        var notified = new IntervalStats("notify");
        IntervalStats[] all = [beats, registrations, deregistrations, publishes, notified];

        var fleet = new HeartbeatLoad(beatsHttp, settings.MeridianPid, settings.Instances, beats);
        var registered = await fleet.RegisterAsync(ct);
        Console.WriteLine(Invariant($"Registered {registered.Succeeded:N0} instances in {registered.Seconds:0.0} s ({registered.Failed} failed)"));
        if (registered.Failed > 0)
        {
            Console.Error.WriteLine("Registering the fleet failed: " + registered.FirstError);
            return 1;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeats = fleet.Pacer(settings.HeartbeatsPerSecond);
        var beating = heartbeats.RunAsync(stop.Token);

        var configs = await ListenedConfigs.CreateAsync(admin, settings.ListenedConfigs, ct);
        var listeners = new ConfigListeners(listenHttp, configs, settings.Listeners, TimeSpan.FromSeconds(30), notified);
        var listening = listeners.RunAsync(stop.Token);
        await configs.WaitForListenersAsync(admin, settings.Listeners, ct);
        Console.WriteLine(Invariant($"{settings.Listeners:N0} long-polls held over {configs.Count} configs; soaking for {settings.Duration.TotalMinutes:0.##} min"));

        var churn = new ChurnLoad(churnHttp, settings.ChurnAlive, registrations, deregistrations);
        var churnIn = churn.Registrations(settings.ChurnPerSecond);
        var churnOut = churn.Deregistrations(settings.ChurnPerSecond);
        var publisher = new ConfigPublisher(publishHttp, configs, publishes).Pacer(settings.PublishesPerSecond);
        var sampler = new SoakSampler(settings.MeridianPid, settings.SampleInterval, all);
        using var soak = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        soak.CancelAfter(settings.Duration);
        var sampling = sampler.RunAsync(soak.Token);
        var churning = Task.WhenAll(churnIn.RunAsync(stop.Token), churnOut.RunAsync(stop.Token));
        var publishing = publisher.RunAsync(stop.Token);

        await sampling;
        await stop.CancelAsync();
        await Task.WhenAll(beating, listening, churning, publishing);

        var notes = string.Join(Environment.NewLine,
            Invariant($"- Server pid {settings.MeridianPid} at {settings.MeridianHttp}; every request carries an access key (authentication Enforced)."),
            Invariant($"- Fleet registered in {registered.Seconds:0.0} s; heartbeats paced at {settings.HeartbeatsPerSecond:N0}/s, open loop, at most 512 in flight over 256 connections ") +
            Invariant($"(ticks that found 512 in flight: {heartbeats.Saturated:N0}); churn ticks saturated {churnIn.Saturated + churnOut.Saturated:N0}, publishes {publisher.Saturated:N0}."),
            Invariant($"- Long-polls held 30 s each: {listeners.QuietAnswers:N0} ended without a change and were re-armed; a notification is timed from the start of the publish that made it."),
            Invariant($"- Unexpected faults in the load generator: {heartbeats.Faults + churnIn.Faults + churnOut.Faults + publisher.Faults}."));
        var markdown = SoakReport.Markdown(settings, sampler.Samples, all, notes, loadAtStart);
        Directory.CreateDirectory(settings.OutputDirectory);
        var md = Path.Combine(settings.OutputDirectory, "latest.md");
        await File.WriteAllTextAsync(md, markdown, CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine("Wrote " + md);
        return 0;
    }

    /// <summary>A client for paced requests: one that takes 10 s is counted as a timeout rather than held for minutes.</summary>
    private static HttpClient Bounded(HttpClient client)
    {
        client.Timeout = TimeSpan.FromSeconds(10);
        return client;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
