using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Meridian.Hosting.Aspire.Tests;

public sealed class AppHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Projects_referencing_the_registry_find_each_other_through_it_with_no_Meridian_settings()
    {
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(Ct);
        await using var app = await appHost.BuildAsync(Ct);
        await app.StartAsync(Ct);

        // The order-service is healthy once a call to it reaches a user-service through Meridian.
        await app.ResourceNotifications.WaitForResourceHealthyAsync("orderservice", Ct).WaitAsync(TimeSpan.FromMinutes(3), Ct);
        using var orders = app.CreateHttpClient("orderservice");
        var order = await orders.GetFromJsonAsync<JsonElement>("/order/101", Ct);
        Assert.Equal("alice", order.GetProperty("user").GetProperty("username").GetString());
        Assert.EndsWith("(HZ)", order.GetProperty("user").GetProperty("servedBy").GetString(), StringComparison.Ordinal);

        // Both user-services registered under the one service name, each with the access key the AppHost made for it.
        using var registry = app.CreateHttpClient("registry", "http");
        var server = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<MeridianResource>().Single();
        var password = await server.AdminPassword.GetValueAsync(Ct);
        Assert.False(string.IsNullOrEmpty(password), "the AppHost generated no admin password");
        using var login = await registry.PostAsJsonAsync("/v1/auth/token", new { username = "admin", password }, Ct);
        Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync(Ct));
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString();
        registry.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var instances = await registry.GetFromJsonAsync<JsonElement>("/v1/namespaces/public/groups/DEFAULT_GROUP/services/userservice/instances", Ct);
        Assert.Equal(["HZ", "SH"], instances.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("cluster").GetString()).Order(StringComparer.Ordinal));
        var keys = await registry.GetFromJsonAsync<JsonElement>("/v1/auth/keys", Ct);
        var names = keys.EnumerateArray().Select(k => k.GetProperty("name").GetString()).ToList();
        Assert.Contains("aspire-orderservice", names);
        Assert.Contains("aspire-userservice-sh", names);
    }
}
