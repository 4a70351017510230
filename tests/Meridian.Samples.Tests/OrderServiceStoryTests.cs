using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Meridian.Samples.Tests;

public sealed class OrderServiceStoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Order_service_finds_user_service_through_Meridian_by_cluster_weight_namespace_and_live_config()
    {
        await using var topology = await SampleTopology.StartServerAsync(Ct);
        (await topology.Http.PostAsJsonAsync(new Uri(topology.Meridian, "v1/namespaces"), new { id = "prod" }, Ct)).EnsureSuccessStatusCode();
        await topology.PublishAsync("userservice.yaml", "pattern:\n  greeting: shared hello", Ct);
        await topology.PublishAsync("userservice-dev.yaml", "pattern:\n  dateformat: yyyy-MM-dd", Ct);

        var hz1 = await topology.StartUserServiceAsync("user-hz-1", "HZ", Ct);
        var hz2 = await topology.StartUserServiceAsync("user-hz-2", "HZ", Ct);
        var sh = await topology.StartUserServiceAsync("user-sh", "SH", Ct);
        var orders = await topology.StartOrderServiceAsync("orders-hz", "HZ", Ct);
        var prodOrders = await topology.StartOrderServiceAsync("orders-prod", "HZ", Ct, ns: "prod");
        var http = topology.Http;

        async Task<JsonElement> OrderAsync() =>
            await (await http.GetAsync(new Uri(orders.Address, "/order/101"), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        async Task<string[]> ServedByAsync(int calls)
        {
            var servedBy = new string[calls];
            for (var i = 0; i < calls; i++)
            {
                var order = await OrderAsync();
                servedBy[i] = order.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object
                    ? user.GetProperty("servedBy").GetString()!
                    : $"status {order.GetProperty("status").GetInt32()}";
            }

            return servedBy;
        }

        await Eventually.HoldsAsync(async () => (await http.GetAsync(new Uri(orders.Address, "/order/101"), Ct)).IsSuccessStatusCode, "the order-service to see a user-service");

        // GET /order/101 returns the order with its user.
        var first = await OrderAsync();
        Assert.Equal(101, first.GetProperty("id").GetInt32());
        Assert.Equal("alice", first.GetProperty("user").GetProperty("username").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(orders.Address, "/order/999"), Ct)).StatusCode);

        // Same-cluster-first: an HZ caller reaches only HZ instances while one is up.
        await Eventually.HoldsAsync(async () => (await ServedByAsync(20)).All(s => s.EndsWith("(HZ)", StringComparison.Ordinal)), "HZ calls to stay in HZ");

        // Another namespace cannot see the user-service at all.
        var isolated = await http.GetAsync(new Uri(prodOrders.Address, "/order/101"), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, isolated.StatusCode);

        // Weight 0 drains an instance: all HZ traffic moves to the other one.
        var hz1Id = $"127.0.0.1#{hz1.Address.Port}#HZ#DEFAULT_GROUP@@userservice";
        (await http.PatchAsJsonAsync(new Uri(topology.Meridian, $"v1/namespaces/public/groups/DEFAULT_GROUP/services/userservice/instances/{Uri.EscapeDataString(hz1Id)}"), new { weight = 0 }, Ct))
            .EnsureSuccessStatusCode();
        await Eventually.HoldsAsync(async () => (await ServedByAsync(20)).All(s => s.StartsWith(hz2.Address.ToString().TrimEnd('/'), StringComparison.Ordinal)), "traffic to leave the drained instance");

        // A published date format reaches the running user-service without a restart; the shared config shows too.
        var before = await http.GetFromJsonAsync<JsonElement>(new Uri(sh.Address, "/user/now"), Ct);
        Assert.Equal("yyyy-MM-dd", before.GetProperty("dateFormat").GetString());
        Assert.Equal("shared hello", before.GetProperty("greeting").GetString());
        await topology.PublishAsync("userservice-dev.yaml", "pattern:\n  dateformat: HH:mm:ss", Ct);
        await Eventually.HoldsAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>(new Uri(sh.Address, "/user/now"), Ct)).GetProperty("dateFormat").GetString() == "HH:mm:ss",
            "the new date format to reach the running user-service");
        var after = await http.GetFromJsonAsync<JsonElement>(new Uri(sh.Address, "/user/now"), Ct);
        Assert.Matches(@"^\d\d:\d\d:\d\d$", after.GetProperty("now").GetString());

        // Both HZ instances die: the HZ caller falls back to SH.
        await hz1.Process.KillAsync();
        await hz2.Process.KillAsync();
        await Eventually.HoldsAsync(async () => (await ServedByAsync(10)).All(s => s.EndsWith("(SH)", StringComparison.Ordinal)), "calls to fall back to SH");

        // With no user-service left, the order-service answers a clear 503 at once instead of hanging.
        await sh.Process.KillAsync();
        await Eventually.HoldsAsync(async () => (await http.GetAsync(new Uri(orders.Address, "/order/101"), Ct)).StatusCode == HttpStatusCode.ServiceUnavailable, "a 503 once no user-service is left");
    }
}
