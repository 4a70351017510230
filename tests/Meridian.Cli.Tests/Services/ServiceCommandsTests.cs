using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Meridian.Cli.Tests.Infrastructure;

namespace Meridian.Cli.Tests.Services;

public sealed class ServiceCommandsTests(CliServer server) : IClassFixture<CliServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Listing_and_showing_services_gives_their_instances_in_tables_and_json()
    {
        await server.ArrangeAsync(HttpMethod.Post, "/v1/namespaces", new { id = "svc-show" });
        await Register("svc-show", "orders", "127.0.0.11", 8080);
        await Register("svc-show", "orders", "127.0.0.12", 8080);
        await Register("svc-show", "users", "127.0.0.13", 9090);

        var table = CliAssert.Ok(await server.RunAsync("svc", "ls", "-n", "svc-show"));
        Assert.Contains("orders", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("users", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 service(s) in namespace svc-show", table.Stderr, StringComparison.Ordinal);

        var page = CliAssert.Ok(await server.RunAsync("svc", "ls", "-n", "svc-show", "-o", "json")).Json;
        Assert.Equal(2, page["total"]!.GetValue<int>());
        var orders = Assert.Single(page["items"]!.AsArray(), s => s!["name"]!.GetValue<string>() == "orders")!;
        Assert.Equal(2, orders["instanceCount"]!.GetValue<int>());

        var shown = CliAssert.Ok(await server.RunAsync("svc", "show", "orders", "-n", "svc-show"));
        Assert.Contains("orders in group DEFAULT_GROUP of namespace svc-show", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("127.0.0.11:8080", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("127.0.0.12:8080", shown.Stdout, StringComparison.Ordinal);

        var json = CliAssert.Ok(await server.RunAsync("svc", "show", "orders", "-n", "svc-show", "-o", "json")).Json;
        Assert.Equal("orders", json["service"]!["name"]!.GetValue<string>());
        Assert.Equal(["127.0.0.11", "127.0.0.12"], json["instances"]!.AsArray().Select(i => i!["ip"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        CliAssert.Exits(2, await server.RunAsync("svc", "show", "nothing-here", "-n", "svc-show"));
    }

    [Fact]
    public async Task Weight_offline_and_online_change_the_instance_the_registry_serves()
    {
        await server.ArrangeAsync(HttpMethod.Post, "/v1/namespaces", new { id = "svc-drain" });
        await Register("svc-drain", "billing", "127.0.0.21", 7000);
        var id = (await Instances("svc-drain", "billing"))[0]!["instanceId"]!.GetValue<string>();

        var weighted = CliAssert.Ok(await server.RunAsync("svc", "weight", "billing", "127.0.0.21:7000", "0", "-n", "svc-drain"));
        Assert.Contains($"Instance {id} of billing is now weight 0", weighted.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await Instances("svc-drain", "billing"))[0]!["weight"]!.GetValue<double>());

        var offline = CliAssert.Ok(await server.RunAsync("svc", "offline", "billing", id, "-n", "svc-drain", "-o", "json")).Json;
        Assert.False(offline["enabled"]!.GetValue<bool>());
        Assert.False((await Instances("svc-drain", "billing"))[0]!["enabled"]!.GetValue<bool>());

        CliAssert.Ok(await server.RunAsync("svc", "online", "billing", id, "-n", "svc-drain"));
        Assert.True((await Instances("svc-drain", "billing"))[0]!["enabled"]!.GetValue<bool>());

        CliAssert.Exits(2, await server.RunAsync("svc", "offline", "billing", "127.0.0.99:1", "-n", "svc-drain"));
        CliAssert.Exits(1, await server.RunAsync("svc", "weight", "billing", id, "-5", "-n", "svc-drain"));
        CliAssert.Exits(1, await server.RunAsync("svc", "weight", "billing", id, "heavy", "-n", "svc-drain"));
    }

    /// <summary>Persistent, so they stay for the test without heartbeats.</summary>
    private Task Register(string ns, string service, string ip, int port) =>
        server.ArrangeAsync(HttpMethod.Post, $"/v1/namespaces/{ns}/groups/DEFAULT_GROUP/services/{service}/instances", new { ip, port, ephemeral = false });

    private async Task<JsonArray> Instances(string ns, string service) =>
        (await server.Admin.GetFromJsonAsync<JsonObject>($"/v1/namespaces/{ns}/groups/DEFAULT_GROUP/services/{service}/instances", Ct))!["instances"]!.AsArray();
}
