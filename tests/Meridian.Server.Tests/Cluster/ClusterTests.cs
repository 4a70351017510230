using System.Diagnostics;
using System.Net;
using Meridian.Contracts.V1;
using Meridian.Server.Tests.Api.Config;
using Meridian.Server.Tests.Infrastructure;
using Meridian.Testing;

namespace Meridian.Server.Tests.Cluster;

/// <summary>Several server processes on one real PostgreSQL: any node serves any request, and each hears the others' changes.</summary>
public sealed class ClusterTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A change must reach subscribers on every node within this.</summary>
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_publish_on_one_node_reaches_a_long_poll_on_another_and_a_grpc_subscriber_on_a_third_within_a_second()
    {
        await using var cluster = await ClusterNodes.StartAsync(postgres, 3, Ct);
        var (node1, node2, node3) = (cluster[0], cluster[1], cluster[2]);
        var v1 = await node3.Client.PublishAsync("orders.yaml", "limit: 1\n");
        await using var subscriber = await RawConnection.OpenAsync(node2.GrpcAddress, "watcher", Ct, sayHello: true, node2.Token);
        var ack = await subscriber.RequestAsync(new ClientMessage { SubscribeConfig = new SubscribeConfig { Config = new ConfigRef { DataId = "orders.yaml" } } }, Ct);
        Assert.True(ack.Ok, ack.ErrorMessage);
        await NextContentAsync(subscriber, "limit: 1\n");
        var poll = node3.Client.ListenAsync(new { timeoutMs = 30_000, keys = new[] { new { dataId = "orders.yaml", md5 = v1.Md5 } } }, Ct);

        var published = Stopwatch.StartNew();
        var v2 = await node1.Client.PublishAsync("orders.yaml", "limit: 2\n");

        var answered = (await (await poll).ReadAsync<ConfigWire.ListenResponseDto>()).Changed;
        var polled = published.Elapsed;
        var push = await NextContentAsync(subscriber, "limit: 2\n");
        var pushed = published.Elapsed;
        Assert.Equal([new ConfigWire.ChangedDto("public", "DEFAULT_GROUP", "orders.yaml", v2.Md5)], answered);
        Assert.Equal(v2.Version, push.Revision);
        Assert.True(polled < Propagation, $"The long poll on node 3 was answered {polled.TotalMilliseconds:F0} ms after the publish on node 1.");
        Assert.True(pushed < Propagation, $"The push on node 2 came {pushed.TotalMilliseconds:F0} ms after the publish on node 1.");
    }

    [Fact]
    public async Task Every_publish_acknowledged_before_a_node_is_killed_in_the_middle_of_500_is_readable_from_the_other_nodes()
    {
        await using var cluster = await ClusterNodes.StartAsync(postgres, 3, Ct);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(string DataId, string Content, long Version)>();
        var sent = 0;
        var killAt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // 16 clients, each publishing to the nodes in turn; node 1 is killed once 150 publishes are acknowledged.
        var clients = Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref sent); i <= 500; i = Interlocked.Increment(ref sent))
            {
                var node = cluster[i % 3];
                var dataId = $"burst-{i}.txt";
                try
                {
                    using var response = await node.Client.PutConfigAsync(dataId, new { content = $"value {i}" });
                    if (response.IsSuccessStatusCode)
                    {
                        var saved = await response.ReadAsync<ConfigWire.ConfigDto>();
                        acknowledged.Add((dataId, saved.Content, saved.Version));
                        if (acknowledged.Count >= 150)
                        {
                            killAt.TrySetResult();
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // Sent to the killed node: never acknowledged, so never promised.
                }
            }
        }, Ct)).ToList();
        await killAt.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await cluster[0].Process.KillAsync();
        await Task.WhenAll(clients);
        Assert.InRange(acknowledged.Count, 300, 500);

        // A marker published on node 2 and heard on node 3: each node has applied everything committed before it.
        var marker = await cluster[1].Client.PublishAsync("burst-marker.txt", "done");
        var heard = await (await cluster[2].Client.ListenAsync(new { timeoutMs = 10_000, keys = new[] { new { dataId = "burst-marker.txt", md5 = "" } } }, Ct))
            .ReadAsync<ConfigWire.ListenResponseDto>();
        Assert.Equal(marker.Md5, Assert.Single(heard.Changed).Md5);
        foreach (var survivor in new[] { cluster[1], cluster[2] })
        {
            foreach (var (dataId, content, version) in acknowledged)
            {
                var read = await (await survivor.Client.GetAsync(ConfigWire.Path(dataId) + "?format=json", Ct)).ReadAsync<ConfigWire.ConfigDto>();
                Assert.Equal((content, version), (read.Content, read.Version));
            }
        }
    }

    [Fact]
    public async Task Every_node_lists_an_instance_registered_on_any_of_them_and_reads_the_same_revision()
    {
        await using var cluster = await ClusterNodes.StartAsync(postgres, 2, Ct);
        await using var watcher = await RawConnection.OpenAsync(cluster[1].GrpcAddress, "watcher", Ct, sayHello: true, cluster[1].Token);
        Assert.True((await watcher.RequestAsync(new ClientMessage { SubscribeService = new SubscribeService { Service = new ServiceRef { Service = "orders" } } }, Ct)).Ok);
        await watcher.NextPushAsync("orders", Ct);

        (await cluster[0].Client.RegisterAsync("orders", new { ip = "10.0.0.7", port = 8080 })).EnsureSuccessStatusCode();

        var push = await watcher.NextPushAsync("orders", Ct);
        Assert.Equal("10.0.0.7", Assert.Single(push.ServicePush.Instances).Ip);
        var listed = await cluster[1].Client.ListAsync("orders");
        Assert.Equal("10.0.0.7", Assert.Single(listed.Instances).Ip);
    }

    [Fact]
    public async Task Heartbeats_landing_on_another_node_keep_an_instance_alive_everywhere_and_silence_removes_it()
    {
        await using var cluster = await ClusterNodes.StartAsync(postgres, 2, Ct);
        await using var onNode2 = await RawConnection.OpenAsync(cluster[1].GrpcAddress, "on-node-2", Ct, sayHello: true, cluster[1].Token);
        Assert.True((await onNode2.RequestAsync(new ClientMessage { SubscribeService = new SubscribeService { Service = new ServiceRef { Service = "billing" } } }, Ct)).Ok);
        var registered = await (await cluster[0].Client.RegisterAsync("billing", new
        {
            ip = "10.0.0.9",
            port = 80,
            metadata = new Dictionary<string, string> { ["preserved.heart.beat.timeout"] = "1500", ["preserved.ip.delete.timeout"] = "3000" },
        })).ReadAsync<Wire.InstanceDto>();
        await using var watcher = await RawConnection.OpenAsync(cluster[0].GrpcAddress, "watcher", Ct, sayHello: true, cluster[0].Token);
        Assert.True((await watcher.RequestAsync(new ClientMessage { SubscribeService = new SubscribeService { Service = new ServiceRef { Service = "billing" } } }, Ct)).Ok);
        var beat = $"/v1/namespaces/public/groups/DEFAULT_GROUP/services/billing/instances/{Uri.EscapeDataString(registered.InstanceId)}/heartbeat";

        // Node 2 has the registration before the first beat reaches it (else it answers 404, and a client registers again).
        await onNode2.NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.ServicePush && m.ServicePush.Instances.Count == 1, Ct);

        // The client beats every 500 ms, always on node 2, for twice the delete timeout: node 1 never hears one itself.
        for (var i = 0; i < 12; i++)
        {
            (await cluster[1].Client.PutAsync(beat, null, Ct)).EnsureSuccessStatusCode();
            await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        }

        Assert.True(Assert.Single((await cluster[0].Client.ListAsync("billing")).Instances).Healthy);
        Assert.True(Assert.Single((await cluster[1].Client.ListAsync("billing")).Instances).Healthy);

        var silence = Stopwatch.StartNew();
        await watcher.NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.ServicePush && m.ServicePush.Instances.Count == 0, Ct);
        Assert.InRange(silence.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_cluster_view_lists_every_node_alive_with_one_leader_and_what_each_applied()
    {
        await using var cluster = await ClusterNodes.StartAsync(postgres, 2, Ct);
        var published = await cluster[0].Client.PublishAsync("seen.txt", "1");

        // Renewals come every second; the view is read until both nodes have renewed past the publish.
        ClusterDto view;
        do
        {
            view = await (await cluster[1].Client.GetAsync("/v1/cluster/nodes", Ct)).ReadAsync<ClusterDto>();
        }
        while ((view.Nodes.Count < 2 || view.Nodes.Any(n => n.AppliedRevision < published.Revision)) && await Retry());

        Assert.Equal("node2", view.Self);
        Assert.Equal(["node1", "node2"], view.Nodes.Select(n => n.Id));
        Assert.All(view.Nodes, n => Assert.True(n.Alive));
        Assert.All(view.Nodes, n => Assert.True(n.AppliedRevision >= published.Revision));
        Assert.Equal(view.Leader, Assert.Single(view.Nodes, n => n.Leader).Id);
        Assert.All(view.Nodes, n => Assert.StartsWith("http://127.0.0.1:", n.Address, StringComparison.Ordinal));

        var key = await TestAuth.CreateKeyAsync(cluster[0].Client, Ct, "reader", scopes: ["discovery:read"]);
        using var reader = TestAuth.ClientWith(cluster[0].BaseAddress, key);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/v1/cluster/nodes", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_access_key_revoked_on_one_node_is_refused_by_the_others_within_seconds()
    {
        await using var cluster = await ClusterNodes.StartAsync(postgres, 2, Ct);
        var key = await TestAuth.CreateKeyAsync(cluster[0].Client, Ct, "orders");
        using var onNode2 = TestAuth.ClientWith(cluster[1].BaseAddress, key);
        while ((await onNode2.GetAsync("/v1/namespaces/public/services", Ct)).StatusCode == HttpStatusCode.Unauthorized && await Retry())
        {
        }

        Assert.Equal(HttpStatusCode.OK, (await onNode2.GetAsync("/v1/namespaces/public/services", Ct)).StatusCode);
        var keys = await (await cluster[0].Client.GetAsync("/v1/auth/keys", Ct)).ReadAsync<List<KeyDto>>();
        var revoked = Stopwatch.StartNew();
        (await cluster[0].Client.DeleteAsync($"/v1/auth/keys/{keys.Single(k => k.Name == "orders").Id}", Ct)).EnsureSuccessStatusCode();

        while ((await onNode2.GetAsync("/v1/namespaces/public/services", Ct)).StatusCode == HttpStatusCode.OK && await Retry())
        {
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await onNode2.GetAsync("/v1/namespaces/public/services", Ct)).StatusCode);
        Assert.True(revoked.Elapsed < TimeSpan.FromSeconds(7), $"Node 2 took {revoked.Elapsed.TotalSeconds:F1} s to refuse the revoked key.");
    }

    /// <summary>
    /// Waits a little before a test reads again what another node changes on its own schedule (its lease renewal each
    /// second, its directory refresh every 5 s), where no event tells the test; false after 10 s of it.
    /// </summary>
    private async Task<bool> Retry()
    {
        _retries++;
        await Task.Delay(TimeSpan.FromMilliseconds(200), Ct);
        return _retries < 50;
    }

    private int _retries;

    private sealed record KeyDto(string Id, string Name);

    private sealed record ClusterNodeDto(string Id, string Address, bool Alive, bool Leader, long AppliedRevision);

    private sealed record ClusterDto(string Self, string? Leader, List<ClusterNodeDto> Nodes);

    [Fact]
    public async Task A_node_frozen_by_SIGSTOP_serves_what_changed_meanwhile_once_it_runs_again()
    {
        await using var cluster = await ClusterNodes.StartAsync(postgres, 2, Ct);
        var v1 = await cluster[0].Client.PublishAsync("app.properties", "a=1");

        await cluster[1].Process.SignalAsync("STOP");
        var v2 = await cluster[0].Client.PublishAsync("app.properties", "a=2");
        await cluster[1].Process.SignalAsync("CONT");

        // A poll holding the old MD5 is answered as soon as the node has applied the new one (at once if it already has).
        var answered = await (await cluster[1].Client.ListenAsync(new { timeoutMs = 10_000, keys = new[] { new { dataId = "app.properties", md5 = v1.Md5 } } }, Ct))
            .ReadAsync<ConfigWire.ListenResponseDto>();
        Assert.Equal(v2.Md5, Assert.Single(answered.Changed).Md5);
        var read = await (await cluster[1].Client.GetAsync(ConfigWire.Path("app.properties") + "?format=json", Ct)).ReadAsync<ConfigWire.ConfigDto>();
        Assert.Equal(("a=2", 2L), (read.Content, read.Version));
    }

    [Fact]
    public async Task While_PostgreSQL_restarts_nodes_serve_reads_refuse_writes_with_503_and_recover_by_themselves()
    {
        // A PostgreSQL of its own: the shared one serves tests running meanwhile.
        await using var server = await PostgresServer.StartAsync(Ct);
        await using var cluster = await ClusterNodes.StartAsync(postgres, 2, Ct, server.ConnectionString);
        var v1 = await cluster[0].Client.PublishAsync("app.properties", "a=1");
        (await cluster[0].Client.RegisterAsync("orders", new { ip = "10.0.0.8", port = 80 })).EnsureSuccessStatusCode();

        await server.StopAsync(immediate: true, Ct);
        try
        {
            var read = await (await cluster[1].Client.GetAsync(ConfigWire.Path("app.properties") + "?format=json", Ct)).ReadAsync<ConfigWire.ConfigDto>();
            Assert.Equal("a=1", read.Content);
            Assert.Single((await cluster[1].Client.ListAsync("orders")).Instances);
            var refused = await (await cluster[0].Client.PutConfigAsync("app.properties", new { content = "a=2" })).ProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("store", refused.Detail + refused.Title, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await cluster[0].Client.GetAsync("/health/ready", Ct)).StatusCode);
        }
        finally
        {
            await server.StartAgainAsync(Ct);
        }

        // Once node 1 listens to the database again, its pool of dead connections is gone: the next write goes through.
        await cluster[0].Process.WaitForLogAsync("Listening to .* again", Ct);
        var v2 = await (await cluster[0].Client.PutConfigAsync("app.properties", new { content = "a=2" })).ReadAsync<ConfigWire.ConfigDto>();
        var answered = await (await cluster[1].Client.ListenAsync(new { timeoutMs = 10_000, keys = new[] { new { dataId = "app.properties", md5 = v1.Md5 } } }, Ct))
            .ReadAsync<ConfigWire.ListenResponseDto>();
        Assert.Equal(v2.Md5, Assert.Single(answered.Changed).Md5);
        Assert.Equal(HttpStatusCode.OK, (await cluster[0].Client.GetAsync("/health/ready", Ct)).StatusCode);
    }

    private static async Task<ConfigPush> NextContentAsync(RawConnection connection, string content) =>
        (await connection.NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.ConfigPush && m.ConfigPush.Content == content, Ct)).ConfigPush;
}
