using System.Diagnostics;
using Meridian.Client.Tests.Infrastructure;

namespace Meridian.Client.Tests.Registration;

public sealed class LifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_app_killed_with_SIGKILL_leaves_subscribers_lists_within_the_grace_plus_one_second()
    {
        await using var server = await ServerHost.StartAsync();
        await using var watcher = await ClientApp.StartAsync("watcher", [server.ClientAddress]);
        await using var victim = await TestAppProcess.StartAsync(server.ClientAddress, "victim", TempDirectory.Create("meridian-victim-"));
        await watcher.Discovery.WaitForServingAsync("victim", 1);

        var clock = Stopwatch.StartNew();
        await victim.KillAsync();
        await watcher.Discovery.WaitForServingAsync("victim", 0, TimeSpan.FromSeconds(15));
        clock.Stop();

        // Default grace is 3 s: the instance must be gone from the subscriber's list within 4 s of the kill.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    public async Task A_gracefully_stopped_app_deregisters_at_once_without_waiting_for_the_grace()
    {
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Meridian:Connections:Grace"] = "00:05:00" });
        await using var watcher = await ClientApp.StartAsync("watcher", [server.ClientAddress]);
        var leaving = await ClientApp.StartAsync("leaving", [server.ClientAddress], "leaving-svc");
        await watcher.Discovery.WaitForServingAsync("leaving-svc", 1);

        await leaving.StopAsync();

        await watcher.Discovery.WaitForServingAsync("leaving-svc", 0, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task After_a_server_restart_clients_register_again_and_subscriptions_resume()
    {
        var server = await ServerHost.StartAsync();
        var (data, http, grpc) = (server.DataDirectory, server.HttpPort, server.GrpcPort);
        await using var provider = await ClientApp.StartAsync("provider", [server.ClientAddress], "restart-svc");
        await using var watcher = await ClientApp.StartAsync("watcher", [server.ClientAddress]);
        var before = await watcher.Discovery.WaitForServingAsync("restart-svc", 1);

        await server.StopAsync();
        await using var restarted = await ServerHost.StartAsync(data, http, grpc);

        // The provider re-registers by itself and the watcher's subscription comes back with a newer revision.
        var after = await watcher.Discovery.WaitForAsync("restart-svc", s => s.Revision > before.Revision && s.Serving.Count == 1);
        Assert.Equal(provider.Port, after.Serving[0].Port);

        // And pushes keep flowing: a newcomer after the restart shows up too.
        await using var newcomer = await ClientApp.StartAsync("newcomer", [restarted.ClientAddress], "restart-svc");
        await watcher.Discovery.WaitForServingAsync("restart-svc", 2);
        using var client = watcher.CreateClient();
        Assert.Contains(await client.GetStringAsync("http://restart-svc/whoami", Ct), (string[])["provider", "newcomer"]);
    }

    [Fact]
    public async Task An_app_restarted_while_the_server_is_down_resolves_its_peers_from_the_disk_snapshot()
    {
        var snapshots = TempDirectory.Create("meridian-snapshots-");
        var mine = new Dictionary<string, string?> { ["Meridian:Discovery:SnapshotDirectory"] = snapshots };
        var server = await ServerHost.StartAsync();
        var address = server.ClientAddress;
        await using var peer = await ClientApp.StartAsync("peer", [address], "peer-svc");
        var first = await ClientApp.StartAsync("consumer", [address], settings: mine);
        await first.Discovery.WaitForServingAsync("peer-svc", 1);
        await first.StopAsync();

        await server.StopAsync();
        await using var second = await ClientApp.StartAsync("consumer", [address], settings: mine);

        var instances = await second.Discovery.GetInstancesAsync("peer-svc", Ct);
        Assert.Equal(peer.Port, Assert.Single(instances).Port);
        using var client = second.CreateClient();
        Assert.Equal("peer", await client.GetStringAsync("http://peer-svc/whoami", Ct));
    }

    [Fact]
    public async Task A_client_moves_past_an_unreachable_server_to_the_next_in_its_list()
    {
        await using var server = await ServerHost.StartAsync();
        string[] servers = ["127.0.0.1:1", server.ClientAddress];
        await using var provider = await ClientApp.StartAsync("provider", servers, "failover-svc");
        await using var watcher = await ClientApp.StartAsync("watcher", servers);

        var list = await watcher.Discovery.WaitForServingAsync("failover-svc", 1);

        Assert.Equal(provider.Port, list.Serving[0].Port);
    }

    [Fact]
    public async Task A_lookup_with_no_server_and_no_snapshot_answers_empty_instead_of_throwing()
    {
        await using var lonely = await ClientApp.StartAsync(
            "lonely", ["127.0.0.1:1"], settings: new Dictionary<string, string?> { ["Meridian:Discovery:InitialResolveTimeout"] = "00:00:00.300" });
        Assert.Empty(await lonely.Discovery.GetInstancesAsync("nowhere", Ct));

        // The bounded wait is paid once per service, not on every call while the outage lasts.
        var again = lonely.Discovery.GetInstancesAsync("nowhere", Ct);
        Assert.True(again.IsCompletedSuccessfully);
        Assert.Empty(await again);
    }
}
