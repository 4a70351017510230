using System.Diagnostics;
using System.Net;
using Meridian.Config.Listening;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Api.Config;

public sealed class ConfigListenerScaleTests
{
    private const int Listeners = 2_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_thousand_held_long_polls_cost_no_thread_each_and_are_all_answered_by_one_publish()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var v1 = await server.Client.PublishAsync("shared.yaml", "level: info\n");

        var held = 0;
        var allHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var counting = server.Get<ConfigListeners>().Held.Subscribe(_ =>
        {
            if (Interlocked.Increment(ref held) == Listeners)
            {
                allHeld.TrySetResult();
            }
        });

        // One connection per long-poll, as that many separate clients would hold.
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Listeners * 2, ConnectTimeout = TimeSpan.FromSeconds(30) };
        using var clients = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(3), DefaultRequestHeaders = { Authorization = new("Bearer", server.Token) } };
        var polls = Enumerable.Range(0, Listeners)
            .Select(i => clients.ListenAsync(new { timeoutMs = 120_000, clientId = $"client-{i}", keys = new[] { new { dataId = "shared.yaml", md5 = v1.Md5 } } }, Ct))
            .ToList();

        // A bound for a broken build, not a wait for something to happen: completion is what is awaited.
        await allHeld.Task.WaitAsync(TimeSpan.FromMinutes(2), Ct);
        using var process = Process.GetCurrentProcess();
        var threads = process.Threads.Count;
        Assert.Equal(Listeners, (await (await server.Client.GetAsync(ConfigWire.Path("shared.yaml") + "/listeners", Ct))
            .ReadAsync<List<ConfigWire.ListenerDto>>()).Count);
        Assert.All(polls, p => Assert.False(p.IsCompleted));

        var clock = Stopwatch.StartNew();
        var v2 = await server.Client.PublishAsync("shared.yaml", "level: debug\n");
        var responses = await Task.WhenAll(polls);
        clock.Stop();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var answers = await Task.WhenAll(responses.Select(r => r.ReadAsync<ConfigWire.ListenResponseDto>()));
        Assert.All(answers, a => Assert.Equal(v2.Md5, Assert.Single(a.Changed).Md5));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Listeners} long-polls held on {threads} process threads; all answered {clock.ElapsedMilliseconds} ms after the publish was sent.");
        Assert.True(threads < 200, $"{threads} threads while {Listeners} long-polls were held: held requests must not hold threads.");
    }
}
