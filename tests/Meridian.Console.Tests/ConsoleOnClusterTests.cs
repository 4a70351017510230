using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meridian.Console.Tests.Infrastructure;
using Meridian.Samples.Tests;
using Meridian.Server.Tests.Cluster;
using Meridian.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Meridian.Console.Tests.Infrastructure.ConsolePage;
using static Microsoft.Playwright.Assertions;

namespace Meridian.Console.Tests;

/// <summary>
/// The console behind nginx taking turns between the two nodes of a cluster on PostgreSQL, request by request with no
/// sticky sessions: a session begun on one node works on the other, and each write is seen through both.
/// </summary>
public sealed class ConsoleOnClusterTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Behind_round_robin_nginx_an_operator_logs_in_publishes_sees_the_config_drains_an_instance_and_logs_out()
    {
        await using var cluster = await ClusterNodes.StartAsync(postgres, 2, Ct);
        var nodes = new[] { cluster[0], cluster[1] };
        await using var proxy = await NginxPrefixProxy.StartAsync([cluster[0].BaseAddress, cluster[1].BaseAddress], Ct);
        using (var registered = await cluster[0].Client.PostAsJsonAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/services/userservice/instances",
                   new { ip = "10.7.0.1", port = 8080, ephemeral = false, cluster = "HZ" }, Ct))
        {
            Assert.True(registered.StatusCode == HttpStatusCode.Created, $"register: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync(Ct)}");
        }

        await using var browser = await LoggedInBrowser.LogInAsync(proxy.Address);
        var (context, page, requests) = (browser.Context, browser.Page, browser.Requests);

        // The cluster page lists both nodes, whichever answered.
        await page.ClickAsync("nav >> text=Cluster");
        await Expect(page.GetByTestId("cluster-nodes").Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("cluster-nodes")).ToContainTextAsync("leader");
        await Browser.ScreenshotAsync(page, "cluster");

        // Publish through whichever node the proxy picks; both nodes then hold it, and the list shows it.
        await page.ClickAsync("nav >> text=Configs");
        await page.ClickAsync("button:has-text('New config')");
        await page.FillAsync("input[name=data-id]", "cluster-app.yaml");
        await SetEditorAsync(page, "replicas: 2\n");
        await Expect(page.GetByTestId("validation")).ToHaveTextAsync("Valid yaml");
        await page.ClickAsync("button:has-text('Review changes')");
        await page.ClickAsync("button:has-text('Publish')");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Published version 1");
        foreach (var node in nodes)
        {
            await Eventually.HoldsAsync(async () => await ContentAsync(node, "cluster-app.yaml") == "replicas: 2\n", $"node {node.BaseAddress} to hold the published config");
        }

        await page.ClickAsync("nav >> text=Configs");
        await Expect(page.Locator("table").Last).ToContainTextAsync("cluster-app.yaml");

        // Drain the instance: both nodes serve weight 0.
        await GoAsync(page, proxy.Address, "/ns/public/services/DEFAULT_GROUP/userservice");
        var row = page.Locator("tr[data-instance='10.7.0.1:8080']");
        await row.Locator("input[type=number]").FillAsync("0");
        await row.Locator("button:has-text('Set weight')").ClickAsync();
        await Expect(row).ToContainTextAsync("draining");
        foreach (var node in nodes)
        {
            await Eventually.HoldsAsync(async () => await WeightAsync(node) == 0, $"node {node.BaseAddress} to serve the drained weight");
        }

        // Log out: the cookie it held is refused through the proxy, by both nodes once they read the directory again.
        var cookie = (await context.CookiesAsync()).Single(c => c.Name == "meridian_session");
        using var withCookie = new HttpClient();
        async Task<HttpStatusCode> SessionAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy.Address, "v1/auth/session"));
            request.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
            using var response = await withCookie.SendAsync(request, Ct);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await SessionAsync());
        await page.ClickAsync("button:has-text('Log out')");
        await Expect(page.Locator("input[name=username]")).ToBeVisibleAsync();
        await Eventually.HoldsAsync(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                if (await SessionAsync() != HttpStatusCode.Unauthorized)
                {
                    return false;
                }
            }

            return true;
        }, "both nodes to refuse the logged-out session", TimeSpan.FromSeconds(20));
        AssertSameOrigin(proxy.Address, requests);
    }

    private static async Task<string?> ContentAsync(ServerProcessNode node, string dataId)
    {
        using var response = await node.Client.GetAsync($"/v1/namespaces/public/groups/DEFAULT_GROUP/configs/{dataId}", Ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(Ct) : null;
    }

    private static async Task<double> WeightAsync(ServerProcessNode node)
    {
        var list = await node.Client.GetFromJsonAsync<JsonElement>("/v1/namespaces/public/groups/DEFAULT_GROUP/services/userservice/instances", Ct);
        return list.GetProperty("instances")[0].GetProperty("weight").GetDouble();
    }
}
