using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Meridian.Contracts.V1;
using Meridian.Server.Tests.Infrastructure;
using Meridian.Server.Tests.Protocols.Nacos;

namespace Meridian.Server.Tests.Api.Naming;

public sealed class ServiceSubscriberApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record SubscriberDto(string Address, string Protocol, string ClientId, string Agent, DateTimeOffset Since);

    public sealed record ServiceDto(string Name, double ProtectThreshold, int InstanceCount, int HealthyInstanceCount, bool ReachedProtectThreshold);

    public sealed record ServicePageDto(int Total, List<ServiceDto> Items);

    private static string SubscribersPath(string service, string ns = "public", string group = "DEFAULT_GROUP") =>
        $"/v1/namespaces/{ns}/groups/{group}/services/{service}/subscribers";

    [Fact]
    public async Task Subscribers_of_every_protocol_are_listed_with_address_client_and_since_when()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await using var native = await RawConnection.OpenAsync(server, "orders-1", Ct);
        Assert.True((await native.RequestAsync(new ClientMessage { SubscribeService = new SubscribeService { Service = new ServiceRef { Service = "users" } } }, Ct)).Ok);

        await using var nacos = new NacosGrpcClient(server.GrpcAddress, server.Token);
        await nacos.SetUpAsync(withAbilityTable: false, Ct);
        var (type, _) = await nacos.RequestAsync("SubscribeServiceRequest",
            new { subscribe = true, clusters = "", serviceName = "users", groupName = "DEFAULT_GROUP", @namespace = "" }, Ct);
        Assert.Equal("SubscribeServiceResponse", type);

        using var receiver = new UdpClient(new System.Net.IPEndPoint(IPAddress.Loopback, 0));
        var udpPort = ((System.Net.IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        await server.Client.NacosListAsync("users", Ct, $"&clusters=DEFAULT&udpPort={udpPort}");

        var subscribers = await (await server.Client.GetAsync(SubscribersPath("users"), Ct)).ReadAsync<List<SubscriberDto>>();

        Assert.Equal(["grpc", "nacos-grpc", "nacos-udp"], subscribers.Select(s => s.Protocol).Order());
        var grpc = subscribers.Single(s => s.Protocol == "grpc");
        Assert.Equal(("orders-1", "raw-test"), (grpc.ClientId, grpc.Agent));
        Assert.Equal($"127.0.0.1:{udpPort}", subscribers.Single(s => s.Protocol == "nacos-udp").Address);
        Assert.All(subscribers, s => Assert.InRange(s.Since, before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.All(subscribers.Where(s => s.Protocol != "nacos-udp"), s => Assert.StartsWith("127.0.0.1:", s.Address, StringComparison.Ordinal));

        // Another service's list does not show them, and one that left is gone.
        Assert.Empty(await (await server.Client.GetAsync(SubscribersPath("orders"), Ct)).ReadAsync<List<SubscriberDto>>());
        Assert.True((await native.RequestAsync(new ClientMessage { UnsubscribeService = new UnsubscribeService { Service = new ServiceRef { Service = "users" } } }, Ct)).Ok);
        var after = await (await server.Client.GetAsync(SubscribersPath("users"), Ct)).ReadAsync<List<SubscriberDto>>();
        Assert.DoesNotContain(after, s => s.Protocol == "grpc");
    }

    [Fact]
    public async Task Subscribers_are_refused_to_a_user_who_may_not_read_the_service_and_bad_names_say_what_to_fix()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await Users.CreateNamespaceAsync(server, "dev", Ct);
        using var devReader = await Users.CreateAsync(server, "dana", [new { @namespace = "dev", actions = new[] { "read" } }], Ct);

        var denied = await (await devReader.GetAsync(SubscribersPath("users"), Ct)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("may not read service 'public/DEFAULT_GROUP/users'", denied.Detail, StringComparison.Ordinal);
        Assert.Empty(await (await devReader.GetAsync(SubscribersPath("users", ns: "dev"), Ct)).ReadAsync<List<SubscriberDto>>());

        var bad = await (await server.Client.GetAsync(SubscribersPath("bad%20name"), Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("service", bad.Errors!.Keys);
    }

    [Fact]
    public async Task The_service_list_says_which_services_reached_their_protect_threshold()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        (await server.Client.PutAsJsonAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/services/guarded", new { protectThreshold = 0.8 }, Ct)).EnsureSuccessStatusCode();
        (await server.Client.PutAsJsonAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/services/relaxed", new { protectThreshold = 0.0 }, Ct)).EnsureSuccessStatusCode();
        foreach (var service in new[] { "guarded", "relaxed" })
        {
            Assert.Equal(HttpStatusCode.Created, (await server.Client.RegisterAsync(service, new { ip = "10.0.0.1", port = 80, healthy = true })).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await server.Client.RegisterAsync(service, new { ip = "10.0.0.2", port = 80, healthy = false })).StatusCode);
        }

        var page = await (await server.Client.GetAsync("/v1/namespaces/public/services", Ct)).ReadAsync<ServicePageDto>();

        Assert.Equal([("guarded", true), ("relaxed", false)], page.Items.Select(s => (s.Name, s.ReachedProtectThreshold)));
        var guarded = await (await server.Client.GetAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/services/guarded", Ct)).ReadAsync<ServiceDto>();
        Assert.Equal((2, 1, true), (guarded.InstanceCount, guarded.HealthyInstanceCount, guarded.ReachedProtectThreshold));
    }
}
