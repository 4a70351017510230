using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Meridian.Contracts.V1;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Protocols.Nacos;

/// <summary>The Nacos 2.x gRPC protocol on the client-connection port, spoken raw through real Kestrel.</summary>
public sealed class NacosGrpcTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Instance(string service, int port, string type = "registerInstance") => new
    {
        type,
        serviceName = service,
        groupName = "DEFAULT_GROUP",
        @namespace = "",
        instance = new { ip = "10.1.0.1", port, weight = 1.0, healthy = true, enabled = true, ephemeral = true, clusterName = "DEFAULT", metadata = new { } },
    };

    private static async Task<NacosGrpcClient> ConnectAsync(TestServer server, bool withAbilityTable = false)
    {
        var client = new NacosGrpcClient(server.GrpcAddress, server.Token);
        await client.SetUpAsync(withAbilityTable, Ct);
        var (type, body) = await client.RequestAsync("HealthCheckRequest", new { }, Ct);
        Assert.Equal("HealthCheckResponse", type);
        Assert.Equal(200, body.GetProperty("resultCode").GetInt32());
        return client;
    }

    private static async Task<int[]> PortsAsync(TestServer server, string service)
    {
        var response = await server.Client.GetAsync($"/v1/namespaces/public/groups/DEFAULT_GROUP/services/{service}/instances", Ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        var list = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return [.. list.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("port").GetInt32()).Order()];
    }

    [Fact]
    public async Task Server_check_gives_the_connection_id_and_a_connection_without_setup_is_refused_as_unregistered()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var client = new NacosGrpcClient(server.GrpcAddress, server.Token);

        var (type, body) = await client.RequestAsync("ServerCheckRequest", new { requestId = "1" }, Ct);
        Assert.Equal("ServerCheckResponse", type);
        Assert.Equal(200, body.GetProperty("resultCode").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("connectionId").GetString()));
        Assert.Equal("1", body.GetProperty("requestId").GetString());

        (type, body) = await client.RequestAsync("InstanceRequest", Instance("unregistered", 80), Ct);
        Assert.Equal("ErrorResponse", type);
        Assert.Equal(500, body.GetProperty("resultCode").GetInt32());
        Assert.Equal(301, body.GetProperty("errorCode").GetInt32());
        Assert.Empty(await PortsAsync(server, "unregistered"));
    }

    [Fact]
    public async Task A_client_with_an_ability_table_gets_SetupAckRequest_and_the_same_connection_id_from_server_check()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var client = await ConnectAsync(server, withAbilityTable: true);
        var ack = await client.NextAsync("SetupAckRequest", null, Ct);
        Assert.True(ack.GetProperty("abilityTable").GetProperty("supportPersistentInstanceByGrpc").GetBoolean());

        var (_, check) = await client.RequestAsync("ServerCheckRequest", new { }, Ct);
        Assert.True(check.GetProperty("supportAbilityNegotiation").GetBoolean());
    }

    [Fact]
    public async Task Unknown_types_bad_bodies_and_missing_tokens_get_ErrorResponse_with_Nacos_codes()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var client = await ConnectAsync(server);

        var (type, body) = await client.RequestAsync("FuzzyWatchRequest", new { }, Ct);
        Assert.Equal("ErrorResponse", type);
        Assert.Equal(302, body.GetProperty("errorCode").GetInt32());

        (type, body) = await client.RequestAsync("InstanceRequest", new { type = "registerInstance", serviceName = "bad" }, Ct);
        Assert.Equal("ErrorResponse", type);
        Assert.Equal(400, body.GetProperty("errorCode").GetInt32());
        Assert.Contains("ip", body.GetProperty("message").GetString(), StringComparison.Ordinal);

        client.AccessToken = null;
        (type, body) = await client.RequestAsync("InstanceRequest", Instance("anonymous", 81), Ct);
        Assert.Equal("ErrorResponse", type);
        Assert.Equal(403, body.GetProperty("errorCode").GetInt32());
        Assert.Contains("accessToken", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        (type, body) = await client.RequestAsync("ConfigQueryRequest", new { dataId = "app.yaml", group = "DEFAULT_GROUP", tenant = "" }, Ct);
        Assert.Equal(("ErrorResponse", 403), (type, body.GetProperty("errorCode").GetInt32()));

        client.AccessToken = "not-a-token";
        (_, body) = await client.RequestAsync("ServiceListRequest", new { pageNo = 1, pageSize = 10, @namespace = "" }, Ct);
        Assert.Equal(403, body.GetProperty("errorCode").GetInt32());
        Assert.Empty(await PortsAsync(server, "anonymous"));
    }

    [Fact]
    public async Task Service_list_pages_the_services_of_a_group()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var client = await ConnectAsync(server);
        foreach (var service in new[] { "alpha", "beta", "gamma" })
        {
            var (type, body) = await client.RequestAsync("InstanceRequest", Instance(service, 8080), Ct);
            Assert.Equal("InstanceResponse", type);
            Assert.Equal(200, body.GetProperty("resultCode").GetInt32());
        }

        var (listType, list) = await client.RequestAsync("ServiceListRequest", new { pageNo = 1, pageSize = 2, groupName = "DEFAULT_GROUP", @namespace = "" }, Ct);
        Assert.Equal("ServiceListResponse", listType);
        Assert.Equal(3, list.GetProperty("count").GetInt32());
        Assert.Equal(["alpha", "beta"], list.GetProperty("serviceNames").EnumerateArray().Select(n => n.GetString()));
        (_, list) = await client.RequestAsync("ServiceListRequest", new { pageNo = 2, pageSize = 2, groupName = "DEFAULT_GROUP", @namespace = "" }, Ct);
        Assert.Equal(["gamma"], list.GetProperty("serviceNames").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task A_publish_with_a_stale_casMd5_is_refused_and_one_with_the_current_md5_is_taken()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var client = await ConnectAsync(server);
        object Publish(string content, string? cas) => new
        {
            dataId = "cas.properties", group = "DEFAULT_GROUP", tenant = "", content, casMd5 = cas,
            additionMap = new Dictionary<string, string?> { ["type"] = "properties", ["tag"] = null },
        };
        static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));

        var (type, body) = await client.RequestAsync("ConfigQueryRequest", new { dataId = "cas.properties", group = "DEFAULT_GROUP", tenant = "" }, Ct);
        Assert.Equal("ConfigQueryResponse", type);
        Assert.Equal(300, body.GetProperty("errorCode").GetInt32());

        (type, body) = await client.RequestAsync("ConfigPublishRequest", Publish("a=1", null), Ct);
        Assert.Equal("ConfigPublishResponse", type);
        Assert.Equal(200, body.GetProperty("resultCode").GetInt32());

        (type, body) = await client.RequestAsync("ConfigPublishRequest", Publish("a=2", Md5("a=0")), Ct);
        Assert.Equal("ConfigPublishResponse", type);
        Assert.Equal(500, body.GetProperty("resultCode").GetInt32());
        Assert.Contains("Cas publish fail", body.GetProperty("message").GetString(), StringComparison.Ordinal);

        (_, body) = await client.RequestAsync("ConfigPublishRequest", Publish("a=3", Md5("a=1")), Ct);
        Assert.Equal(200, body.GetProperty("resultCode").GetInt32());

        (_, body) = await client.RequestAsync("ConfigQueryRequest", new { dataId = "cas.properties", group = "DEFAULT_GROUP", tenant = "" }, Ct);
        Assert.Equal("a=3", body.GetProperty("content").GetString());
        Assert.Equal(Md5("a=3"), body.GetProperty("md5").GetString());
        Assert.Equal("properties", body.GetProperty("contentType").GetString());

        (type, body) = await client.RequestAsync("ConfigPublishRequest", new
        {
            dataId = "cas.properties", group = "DEFAULT_GROUP", tenant = "", content = "gray=1",
            additionMap = new Dictionary<string, string> { ["tag"] = "canary" },
        }, Ct);
        Assert.Equal("ErrorResponse", type);
        Assert.Equal(501, body.GetProperty("errorCode").GetInt32());
    }

    [Fact]
    public async Task A_config_listener_is_told_of_a_stale_md5_at_once_and_of_later_changes_by_push()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var client = await ConnectAsync(server);
        var published = await server.Client.PutAsJsonAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/configs/listened.json", new { content = "{\"v\":1}", type = "json" }, Ct);
        published.EnsureSuccessStatusCode();

        var (type, body) = await client.RequestAsync("ConfigBatchListenRequest", new
        {
            listen = true,
            configListenContexts = new[] { new { dataId = "listened.json", group = "DEFAULT_GROUP", tenant = "", md5 = "stale" } },
        }, Ct);
        Assert.Equal("ConfigChangeBatchListenResponse", type);
        var changed = Assert.Single(body.GetProperty("changedConfigs").EnumerateArray());
        Assert.Equal("listened.json", changed.GetProperty("dataId").GetString());
        var stale = await client.NextAsync("ConfigChangeNotifyRequest", null, Ct);
        Assert.Equal("", stale.GetProperty("tenant").GetString());
        await client.AckAsync("ConfigChangeNotifyResponse", stale);

        published = await server.Client.PutAsJsonAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/configs/listened.json", new { content = "{\"v\":2}", type = "json" }, Ct);
        published.EnsureSuccessStatusCode();
        var notice = await client.NextAsync("ConfigChangeNotifyRequest", n => n.GetProperty("requestId").GetString() != stale.GetProperty("requestId").GetString(), Ct);
        Assert.Equal("listened.json", notice.GetProperty("dataId").GetString());
        Assert.Equal("DEFAULT_GROUP", notice.GetProperty("group").GetString());

        (_, body) = await client.RequestAsync("ConfigQueryRequest", new { dataId = "listened.json", group = "DEFAULT_GROUP", tenant = "" }, Ct);
        Assert.Equal("{\"v\":2}", body.GetProperty("content").GetString());
        Assert.Equal("json", body.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task A_push_the_client_does_not_ack_is_sent_again_and_stops_once_acked()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Meridian:Nacos:PushAckTimeout"] = "00:00:00.5",
            ["Meridian:Nacos:PushAttempts"] = "10",
        }, cancellationToken: Ct);
        await using var client = await ConnectAsync(server);
        var (type, body) = await client.RequestAsync("SubscribeServiceRequest",
            new { subscribe = true, clusters = "", serviceName = "pushed", groupName = "DEFAULT_GROUP", @namespace = "" }, Ct);
        Assert.Equal("SubscribeServiceResponse", type);
        Assert.Empty(body.GetProperty("serviceInfo").GetProperty("hosts").EnumerateArray());
        var current = await client.NextAsync("NotifySubscriberRequest", null, Ct);
        await client.AckAsync("NotifySubscriberResponse", current);

        var registered = await server.Client.PostAsJsonAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/services/pushed/instances", new { ip = "10.1.0.9", port = 9000 }, Ct);
        registered.EnsureSuccessStatusCode();
        static bool HasHost(JsonElement n) => n.GetProperty("serviceInfo").GetProperty("hosts").GetArrayLength() == 1;
        var push = await client.NextAsync("NotifySubscriberRequest", HasHost, Ct);
        var requestId = push.GetProperty("requestId").GetString();
        Assert.Equal("pushed", push.GetProperty("serviceInfo").GetProperty("name").GetString());
        Assert.Equal(9000, push.GetProperty("serviceInfo").GetProperty("hosts")[0].GetProperty("port").GetInt32());

        // Unacked, the same push (same request id) comes again.
        var again = await client.NextAsync("NotifySubscriberRequest", n => n.GetProperty("requestId").GetString() == requestId, Ct);
        await client.AckAsync("NotifySubscriberResponse", again);
        var connections = server.Get<Meridian.Protocols.Nacos.Grpc.NacosConnections>();
        var connection = Assert.Single(connections.All);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (connection.UnackedCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal(0, connection.UnackedCount);
    }

    [Fact]
    public async Task A_dropped_stream_releases_its_ephemeral_instances_after_the_grace_but_not_its_persistent_ones()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Meridian:Connections:Grace"] = "00:00:01" }, cancellationToken: Ct);
        var client = await ConnectAsync(server);
        var (_, body) = await client.RequestAsync("InstanceRequest", Instance("dropped", 7000), Ct);
        Assert.Equal(200, body.GetProperty("resultCode").GetInt32());
        (_, body) = await client.RequestAsync("PersistentInstanceRequest", new
        {
            type = "registerInstance", serviceName = "dropped", groupName = "DEFAULT_GROUP", @namespace = "",
            instance = new { ip = "10.1.0.2", port = 7001, ephemeral = false },
        }, Ct);
        Assert.Equal(200, body.GetProperty("resultCode").GetInt32());
        Assert.Equal(new[] { 7000, 7001 }, await PortsAsync(server, "dropped"));
        // A native subscriber is told the moment the ephemeral instance goes.
        await using var watcher = await RawConnection.OpenAsync(server, "watcher", Ct);
        Assert.True((await watcher.RequestAsync(new ClientMessage { SubscribeService = new SubscribeService { Service = new ServiceRef { Service = "dropped" } } }, Ct)).Ok);
        await watcher.NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.ServicePush && m.ServicePush.Instances.Count == 2, Ct);

        await client.DisposeAsync();
        var dropped = DateTime.UtcNow;
        Assert.Equal(new[] { 7000, 7001 }, await PortsAsync(server, "dropped"));
        await watcher.NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.ServicePush && m.ServicePush.Instances.Count == 1, Ct);

        Assert.Equal(new[] { 7001 }, await PortsAsync(server, "dropped"));
        Assert.True(DateTime.UtcNow - dropped >= TimeSpan.FromSeconds(0.9), "released before the grace period");
    }

    [Fact]
    public async Task A_quiet_connection_is_probed_with_ClientDetectionRequest_and_closed_once_it_stops_answering()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Meridian:Connections:PingInterval"] = "00:00:00.5",
            ["Meridian:Connections:IdleTimeout"] = "00:00:02",
        }, cancellationToken: Ct);
        await using var client = await ConnectAsync(server);

        // Answering the probes keeps it open past the idle timeout.
        var answered = DateTime.UtcNow;
        string? last = null;
        while (DateTime.UtcNow - answered < TimeSpan.FromSeconds(3))
        {
            var probe = await client.NextAsync("ClientDetectionRequest", p => p.GetProperty("requestId").GetString() != last, Ct);
            last = probe.GetProperty("requestId").GetString();
            await client.AckAsync("ClientDetectionResponse", probe);
        }

        Assert.False(client.Ended.Task.IsCompleted, "closed although it answered every probe");
        var silent = DateTime.UtcNow;
        await client.Ended.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(DateTime.UtcNow - silent >= TimeSpan.FromSeconds(1), "closed before the idle timeout");
    }

    [Fact]
    public async Task Shutdown_sends_ConnectResetRequest_and_ends_the_stream()
    {
        var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var client = await ConnectAsync(server);
        var stopping = server.DisposeAsync().AsTask();
        var reset = await client.NextAsync("ConnectResetRequest", null, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.False(string.IsNullOrEmpty(reset.GetProperty("requestId").GetString()));
        await client.Ended.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }
}
