using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Meridian.Samples.Tests;

/// <summary>
/// An HZ order-service calls the user-service without pause while both HZ user-services are SIGKILLed: the registry
/// still lists them for its connection grace, yet no call may fail.
/// </summary>
public sealed class DyingClusterTests
{
    private const int Workers = 4;
    private const int CallsAfterRemoval = 100;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_call_fails_while_both_HZ_user_services_are_SIGKILLed_and_calls_move_to_SH()
    {
        await using var topology = await SampleTopology.StartServerAsync(Ct);
        var hz1 = await topology.StartUserServiceAsync("user-hz-1", "HZ", Ct);
        var hz2 = await topology.StartUserServiceAsync("user-hz-2", "HZ", Ct);
        var sh = await topology.StartUserServiceAsync("user-sh", "SH", Ct);
        await Eventually.HoldsAsync(async () => await topology.RegisteredCountAsync("userservice", Ct) == 3, "three user-services to register");
        var orders = await topology.StartOrderServiceAsync("orders-hz", "HZ", Ct, extra:
        [
            "--Meridian:Discovery:EagerServices:0=userservice",
            "--Logging:LogLevel:Meridian.Client.Discovery.ServiceCache=Debug",
        ]);
        await orders.Process.WaitForAsync(@"@@userservice revision \d+: 3 instance\(s\), 3 taking traffic", TimeSpan.FromSeconds(30), Ct);

        // SH has served nothing yet: warm it up, so the figures below time the fallback, not SH's first request.
        (await topology.Http.GetAsync(new Uri(sh.Address, "/user/1"), Ct)).EnsureSuccessStatusCode();
        var calls = new Calls(topology.Http, new Uri(orders.Address, "/order/101"));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var workers = Enumerable.Range(0, Workers).Select(_ => calls.RunAsync(stop.Token)).ToArray();

        await calls.WaitForAsync(50, Ct);
        var killing = calls.Now;
        await Task.WhenAll(hz1.Process.KillAsync(), hz2.Process.KillAsync());
        var killed = calls.Now;
        var callsBeforeKill = calls.Count;

        // The registry drops them after its grace and pushes the list: until then the client copes on its own.
        await orders.Process.WaitForAsync(@"@@userservice revision \d+: 1 instance\(s\), 1 taking traffic", TimeSpan.FromSeconds(30), Ct);
        var removed = calls.Now;
        var callsBeforeRemoval = calls.Count;
        await calls.WaitForAsync(callsBeforeRemoval + CallsAfterRemoval, Ct);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var all = calls.Results;
        var shAddress = sh.Address.ToString().TrimEnd('/');
        bool ServedBySh(Call c) => c.ServedBy == $"{shAddress} (SH)";
        var failed = all.Where(c => !ServedBySh(c) && !c.ServedBy.EndsWith("(HZ)", StringComparison.Ordinal)).ToList();
        var firstSh = all.Where(ServedBySh).Select(c => c.Ended).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        var figures =
            $"{all.Count} calls by {Workers} workers, {failed.Count} failed; both HZ killed after {callsBeforeKill} calls; " +
            $"first call served by SH {(firstSh - killing).TotalMilliseconds:F0} ms after the kill began; the registry's removal reached the " +
            $"order-service {(removed - killed).TotalSeconds:F1} s after the kill ({callsBeforeRemoval - callsBeforeKill} calls in between); " +
            $"slowest call after the kill {all.Where(c => c.Started >= killing).Max(c => c.Took).TotalMilliseconds:F0} ms";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);

        Assert.True(failed.Count == 0, $"{figures}. Failures: {string.Join("; ", failed.Take(5).Select(c => c.ServedBy))}");
        Assert.All(all.Where(c => c.Ended < killing), c => Assert.EndsWith("(HZ)", c.ServedBy, StringComparison.Ordinal));
        Assert.All(all.Where(c => c.Started > killed), c => Assert.True(ServedBySh(c), c.ServedBy));
        Assert.Contains(all, c => c.Started > removed);
    }

    /// <summary>Calls the order-service in a loop on several workers and keeps what served each call, or how it failed.</summary>
    private sealed class Calls(HttpClient http, Uri order)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _gate = new();
        private readonly List<Call> _results = [];
        private readonly List<(int Count, TaskCompletionSource Reached)> _waits = [];

        public TimeSpan Now => _clock.Elapsed;

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _results.Count;
                }
            }
        }

        public IReadOnlyList<Call> Results
        {
            get
            {
                lock (_gate)
                {
                    return [.. _results];
                }
            }
        }

        public Task WaitForAsync(int count, CancellationToken cancellationToken)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_results.Count >= count)
                {
                    return Task.CompletedTask;
                }

                _waits.Add((count, reached));
            }

            return reached.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var started = _clock.Elapsed;
                string servedBy;
                try
                {
                    using var response = await http.GetAsync(order, stop);
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>(stop);
                    servedBy = response.StatusCode == HttpStatusCode.OK && body.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object
                        ? user.GetProperty("servedBy").GetString()!
                        : $"status {(int)response.StatusCode}: {body}";
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException)
                {
                    servedBy = $"{e.GetType().Name}: {e.Message}";
                }

                Record(new Call(started, _clock.Elapsed, servedBy));
            }
        }

        private void Record(Call call)
        {
            lock (_gate)
            {
                _results.Add(call);
                for (var i = _waits.Count - 1; i >= 0; i--)
                {
                    if (_results.Count >= _waits[i].Count)
                    {
                        _waits[i].Reached.TrySetResult();
                        _waits.RemoveAt(i);
                    }
                }
            }
        }
    }

    private sealed record Call(TimeSpan Started, TimeSpan Ended, string ServedBy)
    {
        public TimeSpan Took => Ended - Started;
    }
}
