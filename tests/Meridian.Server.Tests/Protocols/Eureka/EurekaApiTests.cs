using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Meridian.Naming;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Protocols.Eureka;

public sealed class EurekaApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Json_registration_answers_204_and_the_registry_lists_it_in_eureka_shape()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.NoContent, await server.Client.EurekaRegisterAsync("orderservice", EurekaHttp.InstanceJson("orderservice", "order-1"), Ct));

        foreach (var prefix in (string[])["/eureka/apps/", "/eureka/v2/apps/", "/eureka/apps"])
        {
            var apps = await server.Client.EurekaAppsAsync(Ct, prefix);
            Assert.Equal("1", (string?)apps["versions__delta"]);
            Assert.Equal("UP_1_", (string?)apps["apps__hashcode"]);
            var app = Assert.Single(apps["application"]!.AsArray())!;
            Assert.Equal("ORDERSERVICE", (string?)app["name"]);
            var instance = Assert.Single(app["instance"]!.AsArray())!.AsObject();
            Assert.Equal(
                ["instanceId", "hostName", "app", "ipAddr", "status", "overriddenStatus", "port", "securePort", "countryId", "dataCenterInfo", "leaseInfo", "metadata",
                 "vipAddress", "isCoordinatingDiscoveryServer", "lastUpdatedTimestamp", "lastDirtyTimestamp", "actionType"],
                instance.Select(p => p.Key));
            Assert.Equal("order-1", (string?)instance["instanceId"]);
            Assert.Equal("ORDERSERVICE", (string?)instance["app"]);
            Assert.Equal("UP", (string?)instance["status"]);
            Assert.Equal("UNKNOWN", (string?)instance["overriddenStatus"]);
            Assert.Equal(8080, (int)instance["port"]!["$"]!);
            Assert.Equal("true", (string?)instance["port"]!["@enabled"]);
            Assert.Equal("com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", (string?)instance["dataCenterInfo"]!["@class"]);
            Assert.Equal(90, (int)instance["leaseInfo"]!["durationInSecs"]!);
            Assert.Equal("java.util.Collections$EmptyMap", (string?)instance["metadata"]!["@class"]);
            Assert.Equal("false", (string?)instance["isCoordinatingDiscoveryServer"]);
            Assert.IsType<string>((string?)instance["lastDirtyTimestamp"]);
        }
    }

    [Fact]
    public async Task Xml_registration_is_read_and_reads_without_a_json_accept_answer_xml()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        const string xml = """
            <instance>
              <instanceId>host-a:billing:9000</instanceId><hostName>host-a</hostName><app>BILLING</app><ipAddr>10.1.1.1</ipAddr>
              <status>UP</status><port enabled="true">9000</port><securePort enabled="true">9443</securePort>
              <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"><name>MyOwn</name></dataCenterInfo>
              <leaseInfo><renewalIntervalInSecs>10</renewalIntervalInSecs><durationInSecs>20</durationInSecs></leaseInfo>
              <metadata><zone>z1</zone></metadata>
              <vipAddress>billing</vipAddress>
            </instance>
            """;
        using var content = new StringContent(xml, Encoding.UTF8, "application/xml");
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.PostAsync("/eureka/v2/apps/BILLING", content, Ct)).StatusCode);

        var (status, body, type) = await server.Client.EurekaGetAsync("/eureka/v2/apps/BILLING/host-a:billing:9000", Ct, accept: null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/xml", type);
        var instance = EurekaHttp.Xml(body);
        Assert.Equal("instance", instance.Name.LocalName);
        Assert.Equal("BILLING", (string?)instance.Element("app"));
        Assert.Equal("UNKNOWN", (string?)instance.Element("overriddenstatus"));
        Assert.Equal("9443", (string?)instance.Element("securePort"));
        Assert.Equal("true", (string?)instance.Element("securePort")!.Attribute("enabled"));
        Assert.Equal("z1", (string?)instance.Element("metadata")!.Element("zone"));
        Assert.Equal("20", (string?)instance.Element("leaseInfo")!.Element("durationInSecs"));

        var (_, full, fullType) = await server.Client.EurekaGetAsync("/eureka/v2/apps", Ct, accept: "application/xml");
        Assert.Equal("application/xml", fullType);
        var applications = EurekaHttp.Xml(full);
        Assert.Equal("UP_1_", (string?)applications.Element("apps__hashcode"));
        Assert.Equal("BILLING", (string?)applications.Element("application")!.Element("name"));
    }

    [Fact]
    public async Task Registration_with_missing_fields_answers_400_with_eurekas_reason()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var content = new StringContent("""{"instance":{"instanceId":"x","app":"a","ipAddr":"1.2.3.4"}}""", Encoding.UTF8, "application/json");
        using var response = await server.Client.PostAsync("/eureka/apps/a", content, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Missing hostname", await response.Content.ReadAsStringAsync(Ct));

        var mismatch = await server.Client.EurekaRegisterAsync("other", EurekaHttp.InstanceJson("orders", "o-1"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
    }

    [Fact]
    public async Task Renew_answers_200_for_a_known_instance_and_404_for_an_unknown_one()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1"), Ct);

        Assert.Equal(HttpStatusCode.OK, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/ORDERS/o-1", Ct));
        Assert.Equal(HttpStatusCode.OK, await server.Client.SendAsync(HttpMethod.Put, "/eureka/v2/apps/orders/o-1?status=UP&lastDirtyTimestamp=1", Ct));
        Assert.Equal(HttpStatusCode.NotFound, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/ORDERS/o-2", Ct));
        Assert.Equal(HttpStatusCode.NotFound, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/NOAPP/o-1", Ct));

        // A client holding newer data than the server is told to register again.
        Assert.Equal(HttpStatusCode.NotFound, await server.Client.SendAsync(HttpMethod.Put, $"/eureka/apps/ORDERS/o-1?lastDirtyTimestamp={long.MaxValue}", Ct));
    }

    [Fact]
    public async Task Cancel_removes_the_instance_at_once_and_answers_404_after()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1"), Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-2", port: 8081), Ct);
        Assert.Equal(2, (await server.Client.EurekaAppsAsync(Ct)).Instances().Count());

        Assert.Equal(HttpStatusCode.OK, await server.Client.SendAsync(HttpMethod.Delete, "/eureka/apps/ORDERS/o-1", Ct));
        Assert.Equal(HttpStatusCode.NotFound, await server.Client.SendAsync(HttpMethod.Delete, "/eureka/apps/ORDERS/o-1", Ct));

        // The full registry read right after reflects the cancel: cached payloads never outlive a change.
        Assert.Equal(["o-2"], (await server.Client.EurekaAppsAsync(Ct)).Instances().Select(i => (string?)i["instanceId"]));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.EurekaGetAsync("/eureka/apps/ORDERS/o-1", Ct)).Status);
    }

    [Fact]
    public async Task Apps_hashcode_counts_every_status_in_alphabetical_order()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("a", EurekaHttp.InstanceJson("a", "a-1"), Ct);
        await server.Client.EurekaRegisterAsync("a", EurekaHttp.InstanceJson("a", "a-2", port: 2), Ct);
        await server.Client.EurekaRegisterAsync("b", EurekaHttp.InstanceJson("b", "b-1", status: "DOWN"), Ct);
        await server.Client.EurekaRegisterAsync("b", EurekaHttp.InstanceJson("b", "b-2", port: 2, status: "STARTING"), Ct);

        var apps = await server.Client.EurekaAppsAsync(Ct);
        Assert.Equal("DOWN_1_STARTING_1_UP_2_", (string?)apps["apps__hashcode"]);
        Assert.Equal(["A", "B"], apps["application"]!.AsArray().Select(a => (string?)a!["name"]));
    }

    [Fact]
    public async Task Delta_lists_added_modified_and_deleted_instances_with_the_full_hashcode()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1"), Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-2", port: 8081), Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-3", port: 8082), Ct);
        Assert.Equal(HttpStatusCode.OK, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/ORDERS/o-2/status?value=OUT_OF_SERVICE", Ct));
        Assert.Equal(HttpStatusCode.OK, await server.Client.SendAsync(HttpMethod.Delete, "/eureka/apps/ORDERS/o-3", Ct));

        var delta = await server.Client.EurekaAppsAsync(Ct, "/eureka/apps/delta");
        var actions = delta.Instances().ToDictionary(i => (string)i["instanceId"]!, i => (string?)i["actionType"]);
        Assert.Equal("ADDED", actions["o-1"]);
        Assert.Equal("MODIFIED", actions["o-2"]);
        Assert.Equal("DELETED", actions["o-3"]);
        Assert.Equal("OUT_OF_SERVICE_1_UP_1_", (string?)delta["apps__hashcode"]);
        Assert.NotEqual("1", (string?)delta["versions__delta"]);
    }

    [Fact]
    public async Task A_later_delta_adds_what_changed_since_the_earlier_one_and_keeps_each_instance_s_latest_action()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1"), Ct);
        var first = await server.Client.EurekaAppsAsync(Ct, "/eureka/apps/delta");
        Assert.Equal(["o-1"], first.Instances().Select(i => (string)i["instanceId"]!));

        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-2", port: 8081), Ct);
        Assert.Equal(HttpStatusCode.OK, await server.Client.SendAsync(HttpMethod.Delete, "/eureka/apps/ORDERS/o-1", Ct));
        var second = await server.Client.EurekaAppsAsync(Ct, "/eureka/apps/delta");

        var actions = second.Instances().ToDictionary(i => (string)i["instanceId"]!, i => (string?)i["actionType"]);
        Assert.Equal(new Dictionary<string, string?> { ["o-1"] = "DELETED", ["o-2"] = "ADDED" }, actions);
    }

    [Fact]
    public async Task Status_override_takes_an_instance_out_of_service_until_removed_and_renew_then_asks_for_registration()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1"), Ct);
        var registry = server.Get<RegistryProjection>();
        var key = new ServiceKey("public", "DEFAULT_GROUP", "orders");

        Assert.Equal(HttpStatusCode.OK, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/ORDERS/o-1/status?value=OUT_OF_SERVICE", Ct));
        var instance = (await server.Client.EurekaAppsAsync(Ct)).Instances().Single();
        Assert.Equal(("OUT_OF_SERVICE", "OUT_OF_SERVICE"), ((string?)instance["status"], (string?)instance["overriddenStatus"]));
        Assert.False(Assert.Single(registry.GetService(key)!.Instances).Enabled);

        // The override wins over the client's own UP when it registers again.
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1"), Ct);
        Assert.Equal("OUT_OF_SERVICE", (string?)(await server.Client.EurekaAppsAsync(Ct)).Instances().Single()["status"]);

        Assert.Equal(HttpStatusCode.OK, await server.Client.SendAsync(HttpMethod.Delete, "/eureka/apps/ORDERS/o-1/status", Ct));
        Assert.Equal("UNKNOWN", (string?)(await server.Client.EurekaAppsAsync(Ct)).Instances().Single()["status"]);
        Assert.Equal(HttpStatusCode.NotFound, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/ORDERS/o-1", Ct));

        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1"), Ct);
        Assert.Equal("UP", (string?)(await server.Client.EurekaAppsAsync(Ct)).Instances().Single()["status"]);
        Assert.True(Assert.Single(registry.GetService(key)!.Instances).IsServing);

        Assert.Equal(HttpStatusCode.BadRequest, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/ORDERS/o-1/status?value=SIDEWAYS", Ct));
        Assert.Equal(HttpStatusCode.NotFound, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/ORDERS/o-9/status?value=DOWN", Ct));
    }

    [Fact]
    public async Task Renewing_a_down_instance_keeps_it_down()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1", status: "DOWN"), Ct);

        Assert.Equal(HttpStatusCode.OK, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/ORDERS/o-1", Ct));
        Assert.Equal("DOWN", (string?)(await server.Client.EurekaAppsAsync(Ct)).Instances().Single()["status"]);
        Assert.False(Assert.Single(server.Get<RegistryProjection>().GetService(new ServiceKey("public", "DEFAULT_GROUP", "orders"))!.Instances).Healthy);
    }

    [Fact]
    public async Task Metadata_update_merges_into_the_instance_metadata()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1", extra: ""","metadata":{"a":"1"}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/ORDERS/o-1/metadata?b=2&a=3", Ct));
        var metadata = (await server.Client.EurekaAppsAsync(Ct)).Instances().Single()["metadata"]!.AsObject();
        Assert.Equal([("a", "3"), ("b", "2")], metadata.Select(p => (p.Key, (string?)p.Value)).Order());
    }

    [Fact]
    public async Task Single_app_instance_and_vip_lookups()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1", extra: ""","secureVipAddress":"orders-secure,shop" """), Ct);
        await server.Client.EurekaRegisterAsync("users", EurekaHttp.InstanceJson("users", "u-1"), Ct);

        var app = JsonNode.Parse((await server.Client.EurekaGetAsync("/eureka/apps/orders", Ct)).Body)!["application"]!;
        Assert.Equal("ORDERS", (string?)app["name"]);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.EurekaGetAsync("/eureka/apps/nothing", Ct)).Status);

        var byId = JsonNode.Parse((await server.Client.EurekaGetAsync("/eureka/instances/u-1", Ct)).Body)!["instance"]!;
        Assert.Equal("USERS", (string?)byId["app"]);

        var vip = await server.Client.EurekaAppsAsync(Ct, "/eureka/vips/users");
        Assert.Equal(["u-1"], vip.Instances().Select(i => (string?)i["instanceId"]));
        var svip = await server.Client.EurekaAppsAsync(Ct, "/eureka/svips/shop");
        Assert.Equal(["o-1"], svip.Instances().Select(i => (string?)i["instanceId"]));
        Assert.Empty((await server.Client.EurekaAppsAsync(Ct, "/eureka/vips/none"))["application"]!.AsArray());
    }

    [Fact]
    public async Task Registry_reads_are_gzipped_when_the_client_accepts_gzip()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1"), Ct);

        foreach (var path in (string[])["/eureka/apps/", "/eureka/apps/delta"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate");
            using var response = await server.Client.SendAsync(request, Ct);
            Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
            await using var gunzip = new System.IO.Compression.GZipStream(await response.Content.ReadAsStreamAsync(Ct), System.IO.Compression.CompressionMode.Decompress);
            var applications = (await JsonNode.ParseAsync(gunzip, cancellationToken: Ct))!["applications"]!.AsObject();
            Assert.Equal("o-1", (string?)applications.Instances().Single()["instanceId"]);
        }
    }
}
