using System.Net;
using System.Text.Json.Nodes;
using Meridian.Naming;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Protocols.Nacos;

public sealed class NacosNamingApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Instance_list_has_the_fields_and_names_nacos_clients_parse()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.NacosRegisterAsync("svc", "10.0.0.1", 8080, Ct, "&clusterName=DEFAULT&weight=2&metadata=%7B%22zone%22%3A%22a%22%7D");

        var list = await server.Client.NacosListAsync("svc", Ct, "&clusters=DEFAULT&udpPort=0&healthyOnly=false");

        Assert.Equal(
            ["hosts", "dom", "name", "cacheMillis", "lastRefTime", "checksum", "useSpecifiedURL", "clusters", "env", "metadata"],
            list.Select(p => p.Key));
        Assert.Equal("DEFAULT_GROUP@@svc", (string?)list["name"]);
        Assert.Equal("DEFAULT_GROUP@@svc", (string?)list["dom"]);
        Assert.Equal("DEFAULT", (string?)list["clusters"]);
        Assert.Equal(3000, (long)list["cacheMillis"]!);
        Assert.Equal(32, ((string?)list["checksum"])!.Length);
        var host = Assert.Single(list["hosts"]!.AsArray())!.AsObject();
        Assert.Equal(
            ["ip", "port", "valid", "healthy", "marked", "instanceId", "metadata", "enabled", "weight", "clusterName", "serviceName", "ephemeral"],
            host.Select(p => p.Key));
        Assert.Equal("10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@svc", (string?)host["instanceId"]);
        Assert.Equal(2.0, (double)host["weight"]!);
        Assert.Equal("a", (string?)host["metadata"]!["zone"]);
        Assert.True((bool)host["valid"]! && (bool)host["healthy"]! && (bool)host["enabled"]! && (bool)host["ephemeral"]!);
        Assert.Equal("DEFAULT_GROUP@@svc", (string?)host["serviceName"]);
    }

    [Fact]
    public async Task Clusters_are_echoed_exactly_and_callers_other_than_java_clients_get_bare_names()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.NacosRegisterAsync("svc", "10.0.0.1", 8080, Ct);

        var (_, body) = await server.Client.SendAsync(HttpMethod.Get, "/nacos/v1/ns/instance/list", "serviceName=svc", Ct, userAgent: "curl/8");
        var list = JsonNode.Parse(body)!;
        Assert.Equal("", (string?)list["clusters"]);
        Assert.Equal("DEFAULT_GROUP@@svc", (string?)list["name"]);
        Assert.Equal("svc", (string?)list["dom"]);
        Assert.Equal("svc", (string?)list["hosts"]![0]!["serviceName"]);
    }

    [Fact]
    public async Task Unknown_service_lists_no_hosts_with_200()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var list = await server.Client.NacosListAsync("nothing", Ct, "&clusters=DEFAULT");
        Assert.Empty(list["hosts"]!.AsArray());
        Assert.Equal("DEFAULT_GROUP@@nothing", (string?)list["name"]);
        Assert.Equal("DEFAULT", (string?)list["clusters"]);
    }

    [Fact]
    public async Task Form_body_parameters_register_like_query_parameters()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var (status, body) = await server.Client.SendFormAsync(HttpMethod.Post, "/nacos/v1/ns/instance", new Dictionary<string, string>
        {
            ["serviceName"] = "G1@@formsvc",
            ["ip"] = "10.0.0.9",
            ["port"] = "81",
            ["metadata"] = "k=v,k2=v2",
            ["ephemeral"] = "false",
        }, Ct);
        Assert.Equal((HttpStatusCode.OK, "ok"), (status, body));

        var instance = Assert.Single(server.Get<RegistryProjection>().GetService(new ServiceKey("public", "G1", "formsvc"))!.Instances);
        Assert.False(instance.Ephemeral);
        Assert.Equal("v2", instance.Metadata["k2"]);
    }

    [Fact]
    public async Task Disabled_instances_are_left_out_and_healthy_only_drops_unhealthy_ones()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.NacosRegisterAsync("svc", "10.0.0.1", 80, Ct);
        await server.Client.NacosRegisterAsync("svc", "10.0.0.2", 80, Ct, "&enable=false");
        await server.Client.NacosRegisterAsync("svc", "10.0.0.3", 80, Ct, "&healthy=false");

        var all = await server.Client.NacosListAsync("svc", Ct);
        Assert.Equal(["10.0.0.1", "10.0.0.3"], all["hosts"]!.AsArray().Select(h => (string?)h!["ip"]).Order());
        Assert.False((bool)all["hosts"]!.AsArray().Single(h => (string?)h!["ip"] == "10.0.0.3")!["valid"]!);

        var healthy = await server.Client.NacosListAsync("svc", Ct, "&healthyOnly=true");
        Assert.Equal("10.0.0.1", (string?)Assert.Single(healthy["hosts"]!.AsArray())!["ip"]);
    }

    [Fact]
    public async Task Missing_or_bad_parameters_answer_400_in_plain_text()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var missing = await server.Client.SendAsync(HttpMethod.Post, "/nacos/v1/ns/instance", "ip=1.2.3.4&port=80", Ct);
        Assert.Equal((HttpStatusCode.BadRequest, "Param 'serviceName' is required."), missing);

        var badPort = await server.Client.SendAsync(HttpMethod.Post, "/nacos/v1/ns/instance", "serviceName=svc&ip=1.2.3.4&port=99999", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badPort.Status);
        Assert.Contains("port", badPort.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("{", badPort.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Beat_renews_a_known_instance_and_answers_the_beat_interval()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.NacosRegisterAsync("svc", "10.0.0.1", 80, Ct, "&metadata=%7B%22preserved.heart.beat.interval%22%3A%222000%22%7D");

        var (status, body) = await server.Client.SendAsync(HttpMethod.Put, "/nacos/v1/ns/instance/beat",
            "serviceName=DEFAULT_GROUP%40%40svc&beat=" + Uri.EscapeDataString("""{"serviceName":"DEFAULT_GROUP@@svc","ip":"10.0.0.1","port":80,"cluster":"DEFAULT","scheduled":true}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"clientBeatInterval":2000,"code":10200,"lightBeatEnabled":true}""", body);
    }

    [Fact]
    public async Task Beat_for_an_unknown_instance_re_registers_it_from_the_beat_and_a_light_beat_answers_20404()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var light = await server.Client.SendAsync(HttpMethod.Put, "/nacos/v1/ns/instance/beat", "serviceName=svc&ip=10.0.0.5&port=90", Ct);
        Assert.Equal("""{"clientBeatInterval":5000,"code":20404,"lightBeatEnabled":true}""", light.Body);

        var beat = Uri.EscapeDataString("""{"serviceName":"DEFAULT_GROUP@@svc","ip":"10.0.0.5","port":90,"weight":3,"metadata":{"v":"1"},"cluster":"DEFAULT"}""");
        var full = await server.Client.SendAsync(HttpMethod.Put, "/nacos/v1/ns/instance/beat", "serviceName=DEFAULT_GROUP%40%40svc&beat=" + beat, Ct);
        Assert.Contains("\"code\":10200", full.Body, StringComparison.Ordinal);

        var host = Assert.Single((await server.Client.NacosListAsync("svc", Ct))["hosts"]!.AsArray())!;
        Assert.Equal(3.0, (double)host["weight"]!);
        Assert.Equal("1", (string?)host["metadata"]!["v"]);
    }

    [Fact]
    public async Task Deregister_removes_the_instance_and_answers_ok_even_when_unknown()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.NacosRegisterAsync("svc", "10.0.0.1", 80, Ct);
        await server.Client.NacosRegisterAsync("svc", "10.0.0.2", 80, Ct);

        Assert.Equal((HttpStatusCode.OK, "ok"), await server.Client.SendAsync(HttpMethod.Delete, "/nacos/v1/ns/instance", "serviceName=DEFAULT_GROUP%40%40svc&ip=10.0.0.1&port=80&clusterName=DEFAULT", Ct));
        Assert.Equal((HttpStatusCode.OK, "ok"), await server.Client.SendAsync(HttpMethod.Delete, "/nacos/v1/ns/instance", "serviceName=svc&ip=10.9.9.9&port=80", Ct));
        Assert.Equal("10.0.0.2", (string?)Assert.Single((await server.Client.NacosListAsync("svc", Ct))["hosts"]!.AsArray())!["ip"]);
    }

    [Fact]
    public async Task Update_changes_an_instance_and_is_refused_for_an_unknown_one_from_a_java_client()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.NacosRegisterAsync("svc", "10.0.0.1", 80, Ct);

        Assert.Equal((HttpStatusCode.OK, "ok"), await server.Client.SendAsync(HttpMethod.Put, "/nacos/v1/ns/instance", "serviceName=svc&ip=10.0.0.1&port=80&weight=5", Ct));
        Assert.Equal(5.0, (double)(await server.Client.NacosListAsync("svc", Ct))["hosts"]![0]!["weight"]!);

        var unknown = await server.Client.SendAsync(HttpMethod.Put, "/nacos/v1/ns/instance", "serviceName=svc&ip=10.0.0.7&port=80", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.StartsWith("instance not exist", unknown.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detail_answers_the_instance_or_404()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.NacosRegisterAsync("svc", "10.0.0.1", 80, Ct);
        var (status, body) = await server.Client.SendAsync(HttpMethod.Get, "/nacos/v1/ns/instance", "serviceName=svc&ip=10.0.0.1&port=80", Ct);
        Assert.Equal(HttpStatusCode.OK, status);
        var detail = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(["service", "ip", "port", "clusterName", "weight", "healthy", "instanceId", "metadata"], detail.Select(p => p.Key));
        Assert.Equal("DEFAULT_GROUP@@svc", (string?)detail["service"]);

        var missing = await server.Client.SendAsync(HttpMethod.Get, "/nacos/v1/ns/instance", "serviceName=svc&ip=10.0.0.2&port=80", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
    }

    [Fact]
    public async Task Unknown_namespace_is_created_on_first_registration()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.NacosRegisterAsync("svc", "10.0.0.1", 80, Ct, "&namespaceId=dev-ns");

        var list = await server.Client.NacosListAsync("svc", Ct, "&namespaceId=dev-ns");
        Assert.Single(list["hosts"]!.AsArray());
        Assert.Empty((await server.Client.NacosListAsync("svc", Ct))["hosts"]!.AsArray());

        var (_, body) = await server.Client.SendAsync(HttpMethod.Get, "/nacos/v1/console/namespaces", "", Ct);
        var namespaces = JsonNode.Parse(body)!;
        Assert.Equal(200, (int)namespaces["code"]!);
        var data = namespaces["data"]!.AsArray();
        Assert.Equal(("", 0), ((string?)data[0]!["namespace"], (int)data[0]!["type"]!));
        Assert.Contains(data, n => (string?)n!["namespace"] == "dev-ns" && (int)n["type"]! == 2);
    }

    [Fact]
    public async Task Service_create_get_list_update_and_delete()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        const string path = "/nacos/v1/ns/service";
        Assert.Equal((HttpStatusCode.OK, "ok"), await server.Client.SendAsync(HttpMethod.Post, path, "serviceName=orders&protectThreshold=0.5&metadata=team%3Dpay", Ct));
        var again = await server.Client.SendAsync(HttpMethod.Post, path, "serviceName=orders", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Contains("already exists", again.Body, StringComparison.Ordinal);

        var service = JsonNode.Parse((await server.Client.SendAsync(HttpMethod.Get, path, "serviceName=orders", Ct)).Body)!;
        Assert.Equal("orders", (string?)service["name"]);
        Assert.Equal("DEFAULT_GROUP", (string?)service["groupName"]);
        Assert.Equal(0.5, (double)service["protectThreshold"]!);
        Assert.Equal("pay", (string?)service["metadata"]!["team"]);

        Assert.Equal((HttpStatusCode.OK, "ok"), await server.Client.SendAsync(HttpMethod.Put, path, "serviceName=orders&protectThreshold=0.2", Ct));
        var list = JsonNode.Parse((await server.Client.SendAsync(HttpMethod.Get, path + "/list", "pageNo=1&pageSize=10", Ct)).Body)!;
        Assert.Equal(1, (int)list["count"]!);
        Assert.Equal("orders", (string?)list["doms"]![0]);

        Assert.Equal((HttpStatusCode.OK, "ok"), await server.Client.SendAsync(HttpMethod.Delete, path, "serviceName=orders", Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.SendAsync(HttpMethod.Get, path, "serviceName=orders", Ct)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.SendAsync(HttpMethod.Delete, path, "serviceName=orders", Ct)).Status);
    }

    [Fact]
    public async Task Unknown_naming_path_answers_404_naming_the_api()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var (status, body) = await server.Client.SendAsync(HttpMethod.Get, "/nacos/v1/ns/nothing", "", Ct);
        Assert.Equal((HttpStatusCode.NotFound, "no such api:GET:/nacos/v1/ns/nothing"), (status, body));
    }

    [Fact]
    public async Task Metrics_report_up()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var (status, body) = await server.Client.SendAsync(HttpMethod.Get, "/nacos/v1/ns/operator/metrics", "", Ct);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("UP", (string?)JsonNode.Parse(body)!["status"]);
    }

    [Fact]
    public async Task Login_answers_a_token_in_body_and_header()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await anonymous.PostAsync("/nacos/v1/auth/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "admin",
            ["password"] = Meridian.Testing.TestAuth.AdminPassword,
        }), Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        var token = (string?)body["accessToken"];
        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(18000, (int)body["tokenTtl"]!);
        Assert.Equal("admin", (string?)body["username"]);
        Assert.True((bool)body["globalAdmin"]!);
        Assert.Equal("Bearer " + token, response.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public async Task Server_list_names_the_address_the_client_reached()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var (status, body) = await server.Client.SendAsync(HttpMethod.Get, "/nacos/serverlist", "", Ct);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"{server.BaseAddress.Authority}\r\n", body);

        // On the default port the line is the host alone, as Nacos's address server writes it.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/nacos/serverlist") { Headers = { Host = "meridian.internal:8848" } };
        using var onDefault = await server.Client.SendAsync(request, Ct);
        Assert.Equal("meridian.internal\r\n", await onDefault.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_service_list_asked_for_page_0_answers_the_first_page_as_nacos_does()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.NacosRegisterAsync("paged", "10.0.0.1", 80, Ct);

        var (status, body) = await server.Client.SendAsync(HttpMethod.Get, "/nacos/v1/ns/service/list", "pageNo=0&pageSize=10", Ct);
        Assert.True(status == HttpStatusCode.OK, $"page 0 answered {(int)status}: {body}");
        Assert.Contains("\"paged\"", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.SendAsync(HttpMethod.Get, "/nacos/v1/ns/service/list", "pageNo=1&pageSize=0", Ct)).Status);
    }
}
