using System.Net;
using System.Net.Sockets;
using Meridian.Console.Tests.Infrastructure;
using Microsoft.Playwright;
using static Meridian.Console.Tests.Infrastructure.ConsolePage;
using static Microsoft.Playwright.Assertions;

namespace Meridian.Console.Tests;

/// <summary>The console behind nginx under <c>/meridian/</c> (the prefix stripped and named in X-Forwarded-Prefix).</summary>
public sealed class ConsoleBehindProxyTests(ProxiedConsoleServer proxied) : IClassFixture<ProxiedConsoleServer>
{
    private ConsoleServer Console => proxied.Console;

    [Fact]
    public async Task Under_a_path_prefix_the_operator_flow_works_and_every_request_stays_under_it()
    {
        using var instance = new TcpListener(IPAddress.Loopback, 0);
        instance.Start();
        var port = ((IPEndPoint)instance.LocalEndpoint).Port;
        await Console.AdminAsync(HttpMethod.Post, "/v1/namespaces/public/groups/DEFAULT_GROUP/services/userservice/instances",
            new { ip = "127.0.0.1", port, ephemeral = false, cluster = "HZ" });

        var (context, page, requests) = await Console.OpenAsync();
        await using var _ = context;
        await Console.LogInAsync(page);
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "meridian_session");
        Assert.Equal(NginxPrefixProxy.Prefix, cookie.Path);

        await page.FillAsync("input[name=ns-id]", "proxied");
        await page.ClickAsync("button:has-text('Create namespace')");
        await Expect(page.Locator("tr[data-ns='proxied']")).ToBeVisibleAsync();

        await page.SelectOptionAsync("select[aria-label=Namespace]", "proxied");
        await page.ClickAsync("nav >> text=Configs");
        Assert.StartsWith(Console.ConsoleAddress + "ns/proxied/configs", page.Url, StringComparison.Ordinal);
        await page.ClickAsync("button:has-text('New config')");
        await page.FillAsync("input[name=data-id]", "userservice-dev.yaml");
        await SetEditorAsync(page, "server:\n  port: 8080\n");
        await Expect(page.GetByTestId("validation")).ToHaveTextAsync("Valid yaml");
        await page.ClickAsync("button:has-text('Review changes')");
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("port: 8080");
        await page.ClickAsync("button:has-text('Publish')");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Published version 1");
        await SetEditorAsync(page, "server:\n  port: 9090\n");
        await page.ClickAsync("button:has-text('Review changes')");
        await page.ClickAsync("button:has-text('Publish')");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Published version 2");

        // A reload on a console route comes back through the proxy to the same page.
        await page.ReloadAsync();
        await page.ClickAsync(".tabs >> text=History");
        await page.Locator("tr[data-version='1']").Locator("button:has-text('Roll back to this')").ClickAsync();
        await page.ClickAsync("button:has-text('Roll back to version 1')");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Rolled back");
        Assert.Equal("server:\n  port: 8080\n",
            (await Console.AdminAsync(HttpMethod.Get, "/v1/namespaces/proxied/groups/DEFAULT_GROUP/configs/userservice-dev.yaml?format=json")).GetProperty("content").GetString());

        await ConsolePage.GoAsync(page, Console.ConsoleAddress, "/ns/public/services/DEFAULT_GROUP/userservice");
        var row = page.Locator($"tr[data-instance='127.0.0.1:{port}']");
        await row.Locator("input[type=number]").FillAsync("0");
        await row.Locator("button:has-text('Set weight')").ClickAsync();
        await Expect(row).ToContainTextAsync("draining");
        await row.Locator("button:has-text('Take offline')").ClickAsync();
        await Expect(row.Locator("button:has-text('Bring online')")).ToBeVisibleAsync();
        var listed = await Console.AdminAsync(HttpMethod.Get, "/v1/namespaces/public/groups/DEFAULT_GROUP/services/userservice/instances");
        var saved = listed.GetProperty("instances")[0];
        Assert.Equal(0, saved.GetProperty("weight").GetDouble());
        Assert.False(saved.GetProperty("enabled").GetBoolean());

        AssertSameOrigin(Console.ConsoleAddress, requests);
        lock (requests)
        {
            Assert.All(requests, url => Assert.StartsWith(Console.ConsoleAddress.ToString(), url, StringComparison.Ordinal));
        }
    }
}
