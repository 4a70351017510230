using System.Net;
using System.Text.Json.Nodes;
using Meridian.Server.Tests.Infrastructure;
using Meridian.Server.Tests.Protocols.Eureka;
using Meridian.Server.Tests.Protocols.Nacos;

namespace Meridian.Server.Tests.Protocols;

/// <summary>One registry behind every protocol: what one registers, the others see at once.</summary>
public sealed class CrossProtocolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Eureka_registration_is_visible_through_the_native_api_and_nacos_under_the_lower_case_name()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("OrderService", EurekaHttp.InstanceJson("OrderService", "order-1", ip: "10.2.0.1", port: 7000), Ct);

        var native = await server.Client.ListAsync("orderservice");
        var instance = Assert.Single(native.Instances);
        Assert.Equal(("order-1", "10.2.0.1", 7000), (instance.InstanceId, instance.Ip, instance.Port));
        Assert.True(instance.Healthy && instance.Enabled);

        var nacos = await server.Client.NacosListAsync("orderservice", Ct);
        var host = Assert.Single(nacos["hosts"]!.AsArray())!;
        Assert.Equal(("10.2.0.1", 7000), ((string?)host["ip"], (int)host["port"]!));
        Assert.Equal("order-1.local", (string?)host["metadata"]!["eureka.hostName"]);

        // Eureka's own lookups match the app whatever its case.
        Assert.Equal(HttpStatusCode.OK, (await server.Client.EurekaGetAsync("/eureka/apps/orderSERVICE/order-1", Ct)).Status);
    }

    [Fact]
    public async Task Nacos_registration_is_visible_in_eureka_apps_with_the_upper_case_name()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.NacosRegisterAsync("userservice", "10.3.0.1", 8080, Ct, "&metadata=%7B%22version%22%3A%222%22%7D");

        var apps = await server.Client.EurekaAppsAsync(Ct);
        var app = Assert.Single(apps["application"]!.AsArray())!;
        Assert.Equal("USERSERVICE", (string?)app["name"]);
        var instance = Assert.Single(app["instance"]!.AsArray())!;
        Assert.Equal("USERSERVICE", (string?)instance["app"]);
        Assert.Equal("10.3.0.1", (string?)instance["ipAddr"]);
        Assert.Equal(8080, (int)instance["port"]!["$"]!);
        Assert.Equal("UP", (string?)instance["status"]);
        Assert.Equal("userservice", (string?)instance["vipAddress"]);
        Assert.Equal("2", (string?)instance["metadata"]!["version"]);

        // Taken out of traffic through the native API, it reads OUT_OF_SERVICE to Eureka clients.
        var id = Uri.EscapeDataString((string)instance["instanceId"]!);
        (await server.Client.PatchAsync($"{Paths.Instances("userservice")}/{id}", JsonContent("""{"enabled":false}"""), Ct)).EnsureSuccessStatusCode();
        Assert.Equal("OUT_OF_SERVICE", (string?)(await server.Client.EurekaAppsAsync(Ct)).Instances().Single()["status"]);
    }

    [Fact]
    public async Task Eureka_and_nacos_registrations_of_one_service_share_it_whatever_the_case()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.NacosRegisterAsync("userservice", "10.3.0.1", 8080, Ct);
        await server.Client.EurekaRegisterAsync("USERSERVICE", EurekaHttp.InstanceJson("USERSERVICE", "user-2", ip: "10.3.0.2"), Ct);

        Assert.Equal(["10.3.0.1", "10.3.0.2"], (await server.Client.ListAsync("userservice")).Instances.Select(i => i.Ip).Order());
        var app = Assert.Single((await server.Client.EurekaAppsAsync(Ct))["application"]!.AsArray())!;
        Assert.Equal(2, app["instance"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_nacos_client_deregisters_an_instance_eureka_registered_by_its_address()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1", ip: "10.4.0.1", port: 9000), Ct);

        var (status, _) = await server.Client.SendAsync(HttpMethod.Delete, "/nacos/v1/ns/instance", "serviceName=orders&ip=10.4.0.1&port=9000", Ct);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty((await server.Client.EurekaAppsAsync(Ct))["application"]!.AsArray());
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
