using System.Net;
using System.Net.Http.Json;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Api.Naming;

public sealed class InstanceApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registered_instance_is_listed_and_gone_after_deregister()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var registered = await (await server.Client.RegisterAsync("userservice", new { ip = "10.0.0.1", port = 8080, metadata = new { version = "1.2" } }))
            .ReadAsync<Wire.InstanceDto>();

        Assert.Equal("10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@userservice", registered.InstanceId);
        Assert.Equal(1, registered.Weight);
        Assert.True(registered.Healthy && registered.Enabled && registered.Ephemeral);

        var list = await server.Client.ListAsync("userservice");
        var only = Assert.Single(list.Instances);
        Assert.Equal("1.2", only.Metadata["version"]);
        Assert.Equal(32, list.Checksum.Length);
        Assert.True(list.Revision > 0);

        var deleted = await server.Client.DeleteAsync($"{Paths.Instances("userservice")}/{Uri.EscapeDataString(registered.InstanceId)}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var after = await server.Client.GetAsync(Paths.Instances("userservice"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task Repeated_list_answers_the_same_json_until_the_service_changes()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await (await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 })).ReadAsync<Wire.InstanceDto>();

        using var first = await server.Client.GetAsync(Paths.Instances("svc") + "?healthyOnly=true", Ct);
        Assert.Equal("application/json; charset=utf-8", first.Content.Headers.ContentType?.ToString());
        var firstJson = await first.Content.ReadAsStringAsync(Ct);
        var again = await server.Client.GetStringAsync(Paths.Instances("svc") + "?healthyOnly=true", Ct);
        Assert.Equal(firstJson, again);
        Assert.StartsWith("""{"namespace":"public","group":"DEFAULT_GROUP","service":"svc","revision":""", firstJson, StringComparison.Ordinal);

        await (await server.Client.RegisterAsync("svc", new { ip = "10.0.0.2", port = 80 })).ReadAsync<Wire.InstanceDto>();
        var changed = await server.Client.ListAsync("svc", "?healthyOnly=true");
        Assert.Equal(["10.0.0.1", "10.0.0.2"], changed.Instances.Select(i => i.Ip).Order());
        Assert.Equal(2, (await server.Client.ListAsync("svc")).Instances.Count);
    }

    [Fact]
    public async Task Given_instance_id_is_kept()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var registered = await (await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80, instanceId = "my-id" })).ReadAsync<Wire.InstanceDto>();
        Assert.Equal("my-id", registered.InstanceId);
    }

    [Fact]
    public async Task Weight_and_enabled_updates_change_the_list_and_its_revision()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var a = await (await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 })).ReadAsync<Wire.InstanceDto>();
        await (await server.Client.RegisterAsync("svc", new { ip = "10.0.0.2", port = 80 })).ReadAsync<Wire.InstanceDto>();
        var before = await server.Client.ListAsync("svc");

        var patched = await (await server.Client.PatchAsJsonAsync($"{Paths.Instances("svc")}/{Uri.EscapeDataString(a.InstanceId)}", new { weight = 0, enabled = false }, Ct))
            .ReadAsync<Wire.InstanceDto>();
        Assert.Equal(0, patched.Weight);
        Assert.False(patched.Enabled);

        var after = await server.Client.ListAsync("svc");
        Assert.True(after.Revision > before.Revision);
        Assert.NotEqual(before.Checksum, after.Checksum);
        var healthy = await server.Client.ListAsync("svc", "?healthyOnly=true");
        Assert.Equal("10.0.0.2", Assert.Single(healthy.Instances).Ip);
    }

    [Fact]
    public async Task Cluster_and_healthy_only_filters_select_instances()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80, cluster = "HZ" });
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.2", port = 80, cluster = "HZ", healthy = false });
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.3", port = 80, cluster = "SH" });

        Assert.Equal(3, (await server.Client.ListAsync("svc")).Instances.Count);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], (await server.Client.ListAsync("svc", "?clusters=HZ")).Instances.Select(i => i.Ip));
        Assert.Equal(["10.0.0.1"], (await server.Client.ListAsync("svc", "?clusters=HZ&healthyOnly=true")).Instances.Select(i => i.Ip));
        Assert.Equal(["10.0.0.1", "10.0.0.3"], (await server.Client.ListAsync("svc", "?healthyOnly=true")).Instances.Select(i => i.Ip));
        Assert.Equal(3, (await server.Client.ListAsync("svc", "?clusters=HZ,SH")).Instances.Count);
    }

    [Fact]
    public async Task Protect_threshold_returns_unhealthy_instances_too_and_says_so()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        (await server.Client.PutAsJsonAsync(Paths.Service("svc"), new { protectThreshold = 0.5 }, Ct)).EnsureSuccessStatusCode();
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 });
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.2", port = 80, healthy = false });
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.3", port = 80, healthy = false });

        // 1 of 3 healthy is below 0.5: all come back, flagged.
        var protectedList = await server.Client.ListAsync("svc", "?healthyOnly=true");
        Assert.True(protectedList.ReachedProtectThreshold);
        Assert.Equal(3, protectedList.Instances.Count);

        // 2 of 3 healthy is above it: only the healthy ones.
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.2", port = 80, healthy = true });
        var normal = await server.Client.ListAsync("svc", "?healthyOnly=true");
        Assert.False(normal.ReachedProtectThreshold);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], normal.Instances.Select(i => i.Ip));
    }

    [Fact]
    public async Task Same_named_services_in_two_namespaces_never_see_each_other()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        (await server.Client.PostAsJsonAsync("/v1/namespaces", new { id = "dev" }, Ct)).EnsureSuccessStatusCode();
        (await server.Client.PostAsJsonAsync("/v1/namespaces", new { id = "prod" }, Ct)).EnsureSuccessStatusCode();
        await server.Client.RegisterAsync("userservice", new { ip = "10.0.0.1", port = 80 }, ns: "dev");
        await server.Client.RegisterAsync("userservice", new { ip = "10.0.0.2", port = 80 }, ns: "prod");

        Assert.Equal("10.0.0.1", Assert.Single((await server.Client.ListAsync("userservice", ns: "dev")).Instances).Ip);
        Assert.Equal("10.0.0.2", Assert.Single((await server.Client.ListAsync("userservice", ns: "prod")).Instances).Ip);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(Paths.Instances("userservice"), Ct)).StatusCode);
        var devServices = await (await server.Client.GetAsync("/v1/namespaces/dev/services", Ct)).ReadAsync<Wire.ServicePageDto>();
        Assert.Equal(1, devServices.Total);
    }

    [Fact]
    public async Task Heartbeat_of_unknown_instance_answers_404_so_the_client_registers_again()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var response = await server.Client.PutAsync($"{Paths.Instances("svc")}/nope/heartbeat", null, Ct);
        var problem = await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("register it again", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Re_registering_an_ephemeral_id_as_persistent_is_a_conflict()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 });
        var response = await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80, ephemeral = false });
        var problem = await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("deregister it", problem.Detail, StringComparison.Ordinal);
    }
}
