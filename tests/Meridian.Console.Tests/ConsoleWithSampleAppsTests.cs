using System.Net.Http.Json;
using System.Text.Json;
using Meridian.Console.Tests.Infrastructure;
using Meridian.Samples.Tests;
using Microsoft.Playwright;
using static Meridian.Console.Tests.Infrastructure.ConsolePage;
using static Microsoft.Playwright.Assertions;

namespace Meridian.Console.Tests;

/// <summary>
/// The console against running sample apps: a user-service picks up a config published in the browser (and is listed
/// holding its new MD5), a rollback reaches it too, and draining or taking an instance offline moves the order-service's calls.
/// </summary>
public sealed class ConsoleWithSampleAppsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_publish_reaches_the_listening_user_services_and_a_drained_or_offline_instance_loses_the_order_services_calls()
    {
        await using var topology = await SampleTopology.StartServerAsync(Ct);
        await topology.PublishAsync("userservice.yaml", "pattern:\n  greeting: shared hello\n", Ct);
        await topology.PublishAsync("userservice-dev.yaml", "pattern:\n  dateformat: yyyy-MM-dd\n", Ct);
        var hz1 = await topology.StartUserServiceAsync("user-hz-1", "HZ", Ct);
        var hz2 = await topology.StartUserServiceAsync("user-hz-2", "HZ", Ct);
        var orders = await topology.StartOrderServiceAsync("orders-hz", "HZ", Ct);
        var http = topology.Http;
        await Eventually.HoldsAsync(async () => (await http.GetAsync(new Uri(orders.Address, "/order/101"), Ct)).IsSuccessStatusCode, "the order-service to see a user-service");

        await using var browser = await LoggedInBrowser.LogInAsync(topology.Meridian);
        var (page, requests) = (browser.Page, browser.Requests);

        // Publish a new date format in the browser, after reading its diff.
        await GoAsync(page, topology.Meridian, "/ns/public/configs/DEFAULT_GROUP/userservice-dev.yaml");
        await Expect(page.Locator(".cm-content")).ToContainTextAsync("yyyy-MM-dd");
        await SetEditorAsync(page, "pattern:\n  dateformat: HH:mm:ss\n");
        await page.ClickAsync("button:has-text('Review changes')");
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("HH:mm:ss");
        await page.ClickAsync("button:has-text('Publish')");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Published version 2");
        var md5 = await page.GetByTestId("md5").InnerTextAsync();

        // Both user-services listen to it, and the listeners tab shows them holding the new MD5.
        await page.ClickAsync(".tabs >> text=Listeners");
        var listeners = page.Locator("table");
        await Expect(listeners).ToContainTextAsync($"{md5} (current)");
        await Expect(listeners).Not.ToContainTextAsync("(stale)");
        await Expect(listeners.Locator("tbody tr")).ToHaveCountAsync(2);
        await Browser.ScreenshotAsync(page, "config-listeners");

        // By client: the first listener's id shows the config it listens to, with the MD5 it holds.
        var clientId = await listeners.Locator("tbody tr").First.Locator("td").First.InnerTextAsync();
        await page.ClickAsync("nav >> text=Listeners");
        await page.FillAsync("input[aria-label=Client]", clientId);
        await page.ClickAsync("button:has-text('Show')");
        var listening = page.Locator("tr[data-config='public/DEFAULT_GROUP/userservice-dev.yaml']");
        await Expect(listening).ToContainTextAsync(md5);
        await Expect(listening).ToContainTextAsync(clientId);
        await Browser.ScreenshotAsync(page, "listeners-by-client");
        await listening.Locator("a").ClickAsync();
        await Expect(page.Locator(".tabs button.on")).ToHaveTextAsync("Listeners");
        await Eventually.HoldsAsync(async () => await DateFormatAsync(http, hz1.Address) == "HH:mm:ss", "the new date format to reach the running user-service");

        // Roll back in the browser: the running user-service goes back to the first format.
        await page.ClickAsync(".tabs >> text=History");
        await page.Locator("tr[data-version='1']").Locator("button:has-text('Roll back to this')").ClickAsync();
        await page.ClickAsync("button:has-text('Roll back to version 1')");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Rolled back");
        await Eventually.HoldsAsync(async () => await DateFormatAsync(http, hz2.Address) == "yyyy-MM-dd", "the rolled-back date format to reach the running user-service");

        // Drain hz1 on the service page: every HZ call goes to hz2.
        await GoAsync(page, topology.Meridian, "/ns/public/services/DEFAULT_GROUP/userservice");
        var row1 = page.Locator($"tr[data-instance='127.0.0.1:{hz1.Address.Port}']");
        var row2 = page.Locator($"tr[data-instance='127.0.0.1:{hz2.Address.Port}']");
        await Expect(row1).ToContainTextAsync("connection");

        // The running order-service follows the user-service over its client connection: it is listed as a subscriber.
        await Expect(page.GetByTestId("subscribers")).ToContainTextAsync("Meridian client (gRPC)");
        await Expect(page.GetByTestId("subscribers").Locator("tbody tr").First).ToContainTextAsync("127.0.0.1:");
        await Browser.ScreenshotAsync(page, "service-subscribers");
        await row1.Locator("input[type=number]").FillAsync("0");
        await row1.Locator("button:has-text('Set weight')").ClickAsync();
        await Expect(row1).ToContainTextAsync("draining");
        await Eventually.HoldsAsync(async () => (await ServedByAsync(http, orders.Address, 20)).All(s => s.StartsWith(Origin(hz2.Address), StringComparison.Ordinal)), "calls to leave the drained instance");

        // Give hz1 its weight back and take hz2 offline: the calls move to hz1; back online, hz2 gets calls again.
        await row1.Locator("input[type=number]").FillAsync("1");
        await row1.Locator("button:has-text('Set weight')").ClickAsync();
        await Expect(row1).Not.ToContainTextAsync("draining");
        await row2.Locator("button:has-text('Take offline')").ClickAsync();
        await Expect(row2.Locator("button:has-text('Bring online')")).ToBeVisibleAsync();
        await Eventually.HoldsAsync(async () => (await ServedByAsync(http, orders.Address, 20)).All(s => s.StartsWith(Origin(hz1.Address), StringComparison.Ordinal)), "calls to leave the offline instance");
        await row2.Locator("button:has-text('Bring online')").ClickAsync();
        await Expect(row2.Locator("button:has-text('Take offline')")).ToBeVisibleAsync();
        await Eventually.HoldsAsync(async () => (await ServedByAsync(http, orders.Address, 20)).Any(s => s.StartsWith(Origin(hz2.Address), StringComparison.Ordinal)), "calls to reach the instance back online");

        AssertSameOrigin(topology.Meridian, requests);
    }

    private static string Origin(Uri address) => address.ToString().TrimEnd('/');

    private static async Task<string?> DateFormatAsync(HttpClient http, Uri userService) =>
        (await http.GetFromJsonAsync<JsonElement>(new Uri(userService, "/user/now"), Ct)).GetProperty("dateFormat").GetString();

    private static async Task<string[]> ServedByAsync(HttpClient http, Uri orders, int calls)
    {
        var servedBy = new string[calls];
        for (var i = 0; i < calls; i++)
        {
            var order = await (await http.GetAsync(new Uri(orders, "/order/101"), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
            servedBy[i] = order.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object
                ? user.GetProperty("servedBy").GetString()!
                : $"status {order.GetProperty("status").GetInt32()}";
        }

        return servedBy;
    }
}
