using System.Net;
using System.Net.Http.Json;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Api.Naming;

public sealed class NamespaceAndServiceApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record NamespaceDto(string Id, string Name, string Description, int ServiceCount);

    [Fact]
    public async Task Namespaces_are_created_listed_and_deleted_only_when_empty()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        (await server.Client.PostAsJsonAsync("/v1/namespaces", new { id = "dev", name = "Development" }, Ct)).EnsureSuccessStatusCode();
        await (await server.Client.PostAsJsonAsync("/v1/namespaces", new { id = "dev" }, Ct)).ProblemAsync(HttpStatusCode.Conflict);

        var all = await (await server.Client.GetAsync("/v1/namespaces", Ct)).ReadAsync<List<NamespaceDto>>();
        Assert.Equal(["public", "dev"], all.Select(n => n.Id));

        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 }, ns: "dev");
        await (await server.Client.DeleteAsync("/v1/namespaces/dev", Ct)).ProblemAsync(HttpStatusCode.Conflict);
        await (await server.Client.DeleteAsync("/v1/namespaces/public", Ct)).ProblemAsync(HttpStatusCode.Conflict);

        await server.Client.DeleteAsync($"{Paths.Instances("svc", "dev")}/{Uri.EscapeDataString("10.0.0.1#80#DEFAULT#DEFAULT_GROUP@@svc")}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync("/v1/namespaces/dev", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/v1/namespaces/dev", Ct)).StatusCode);
    }

    [Fact]
    public async Task Namespaces_and_service_settings_survive_a_restart()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using (var first = await TestServer.StartAsync(dataDirectory: data, cancellationToken: Ct))
            {
                (await first.Client.PostAsJsonAsync("/v1/namespaces", new { id = "prod", description = "live" }, Ct)).EnsureSuccessStatusCode();
                (await first.Client.PutAsJsonAsync(Paths.Service("orders", "prod"), new { protectThreshold = 0.3, metadata = new { owner = "team-a" } }, Ct)).EnsureSuccessStatusCode();
            }

            await using var second = await TestServer.StartAsync(dataDirectory: data, cancellationToken: Ct);
            var ns = await (await second.Client.GetAsync("/v1/namespaces/prod", Ct)).ReadAsync<NamespaceDto>();
            Assert.Equal("live", ns.Description);
            var service = await (await second.Client.GetAsync(Paths.Service("orders", "prod"), Ct)).ReadAsync<Wire.ServiceDto>();
            Assert.Equal(0.3, service.ProtectThreshold);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Services_are_paged_and_searched()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        foreach (var name in new[] { "alpha", "beta", "gamma", "alphabet" })
        {
            await server.Client.RegisterAsync(name, new { ip = "10.0.0.1", port = 80 });
        }

        await server.Client.RegisterAsync("alpha", new { ip = "10.0.0.1", port = 80 }, group: "OTHER");

        var page = await (await server.Client.GetAsync("/v1/namespaces/public/services?pageNo=2&pageSize=2", Ct)).ReadAsync<Wire.ServicePageDto>();
        Assert.Equal(5, page.Total);
        Assert.Equal(["beta", "gamma"], page.Items.Select(s => s.Name));

        var search = await (await server.Client.GetAsync("/v1/namespaces/public/services?search=alph&group=DEFAULT_GROUP", Ct)).ReadAsync<Wire.ServicePageDto>();
        Assert.Equal(["alpha", "alphabet"], search.Items.Select(s => s.Name));
    }

    [Fact]
    public async Task Service_with_instances_cannot_be_deleted()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        (await server.Client.PutAsJsonAsync(Paths.Service("svc"), new { protectThreshold = 0.1 }, Ct)).EnsureSuccessStatusCode();
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 });
        await (await server.Client.DeleteAsync(Paths.Service("svc"), Ct)).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Explicit_service_stays_when_its_last_instance_leaves_and_implicit_one_goes()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        (await server.Client.PutAsJsonAsync(Paths.Service("kept"), new { protectThreshold = 0 }, Ct)).EnsureSuccessStatusCode();
        var a = await (await server.Client.RegisterAsync("kept", new { ip = "10.0.0.1", port = 80 })).ReadAsync<Wire.InstanceDto>();
        var b = await (await server.Client.RegisterAsync("implicit", new { ip = "10.0.0.1", port = 80 })).ReadAsync<Wire.InstanceDto>();
        await server.Client.DeleteAsync($"{Paths.Instances("kept")}/{Uri.EscapeDataString(a.InstanceId)}", Ct);
        await server.Client.DeleteAsync($"{Paths.Instances("implicit")}/{Uri.EscapeDataString(b.InstanceId)}", Ct);

        Assert.Empty((await server.Client.ListAsync("kept")).Instances);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(Paths.Service("implicit"), Ct)).StatusCode);
    }
}
