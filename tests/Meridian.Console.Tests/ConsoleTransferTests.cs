using System.Net;
using Meridian.Console.Tests.Infrastructure;
using Microsoft.Playwright;
using static Meridian.Console.Tests.Infrastructure.ConsolePage;
using static Microsoft.Playwright.Assertions;

namespace Meridian.Console.Tests;

/// <summary>Moving configs in bulk from the console (clone, zip export and import), the cluster page and the protect-threshold mark.</summary>
public sealed class ConsoleTransferTests(ConsoleServer console) : IClassFixture<ConsoleServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task NamespaceAsync(string id) => await console.AdminAsync(HttpMethod.Post, "/v1/namespaces", new { id, name = id, description = "" });

    private async Task PublishAsync(string ns, string group, string dataId, string content, string[]? tags = null) =>
        await console.AdminAsync(HttpMethod.Put, $"/v1/namespaces/{ns}/groups/{group}/configs/{dataId}", new { content, tags });

    private async Task<string?> ContentAsync(string ns, string group, string dataId)
    {
        using var response = await console.Server.Client.GetAsync($"/v1/namespaces/{ns}/groups/{group}/configs/{dataId}", Ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync(Ct);
    }

    [Fact]
    public async Task Selected_configs_are_cloned_to_another_namespace_and_a_clash_under_abort_writes_nothing()
    {
        await NamespaceAsync("clone-src");
        await NamespaceAsync("clone-dst");
        await PublishAsync("clone-src", "DEFAULT_GROUP", "app.yaml", "a: 1\n", ["web"]);
        await PublishAsync("clone-src", "ORDERS", "orders.properties", "retries=3");
        await PublishAsync("clone-src", "DEFAULT_GROUP", "left-out.txt", "x");
        var (context, page, requests) = await console.OpenAsync();
        await using var _ = context;
        await console.LogInAsync(page);

        await GoAsync(page, console.ConsoleAddress, "/ns/clone-src/configs");
        await page.GetByLabel("Select DEFAULT_GROUP/app.yaml").CheckAsync();
        await page.GetByLabel("Select ORDERS/orders.properties").CheckAsync();
        await page.ClickAsync("button:has-text('Clone selected (2)')");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Clone configs" });
        await dialog.GetByLabel("Target namespace").SelectOptionAsync("clone-dst");
        await dialog.Locator("button:has-text('Clone')").First.ClickAsync();
        await Expect(page.GetByTestId("transfer-result")).ToContainTextAsync("2 created, 0 skipped, 0 overwritten, 0 failed");
        await Browser.ScreenshotAsync(page, "config-clone");
        Assert.Equal("a: 1\n", await ContentAsync("clone-dst", "DEFAULT_GROUP", "app.yaml"));
        Assert.Equal("retries=3", await ContentAsync("clone-dst", "ORDERS", "orders.properties"));
        Assert.Null(await ContentAsync("clone-dst", "DEFAULT_GROUP", "left-out.txt"));

        // Again, with one more config and the default policy: app.yaml exists, so nothing is written.
        await dialog.Locator("button:has-text('Close')").ClickAsync();
        await page.GetByLabel("Select DEFAULT_GROUP/app.yaml").CheckAsync();
        await page.GetByLabel("Select DEFAULT_GROUP/left-out.txt").CheckAsync();
        await page.ClickAsync("button:has-text('Clone selected (2)')");
        await dialog.GetByLabel("Target namespace").SelectOptionAsync("clone-dst");
        await dialog.Locator("button:has-text('Clone')").First.ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("nothing was written");
        Assert.Null(await ContentAsync("clone-dst", "DEFAULT_GROUP", "left-out.txt"));

        await dialog.GetByLabel("When a config exists").SelectOptionAsync("skip");
        await dialog.Locator("button:has-text('Clone')").First.ClickAsync();
        await Expect(page.GetByTestId("transfer-result")).ToContainTextAsync("1 created, 1 skipped");
        Assert.Equal("x", await ContentAsync("clone-dst", "DEFAULT_GROUP", "left-out.txt"));
        AssertSameOrigin(console.ConsoleAddress, requests);
    }

    [Fact]
    public async Task An_exported_zip_downloaded_in_the_browser_imports_into_another_namespace_and_again_under_skip()
    {
        await NamespaceAsync("zip-src");
        await NamespaceAsync("zip-dst");
        await PublishAsync("zip-src", "DEFAULT_GROUP", "userservice-dev.yaml", "server:\n  port: 8080\n", ["team-a"]);
        await PublishAsync("zip-src", "ORDERS", "orders.json", "{\"retries\":3}");
        var (context, page, requests) = await console.OpenAsync();
        await using var _ = context;
        await console.LogInAsync(page);

        await GoAsync(page, console.ConsoleAddress, "/ns/zip-src/configs");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("text=Export as zip"));
        Assert.Equal("zip-src-configs.zip", download.SuggestedFilename);
        var zip = Path.Combine(Directory.CreateTempSubdirectory("meridian-export-").FullName, "zip-src-configs.zip");
        await download.SaveAsAsync(zip);

        await GoAsync(page, console.ConsoleAddress, "/ns/zip-dst/configs");
        await page.SetInputFilesAsync("input[aria-label='Zip to import']", zip);
        await Expect(page.GetByTestId("transfer-result")).ToContainTextAsync("2 created, 0 skipped, 0 overwritten, 0 failed");
        await Expect(page.Locator("table").Last).ToContainTextAsync("userservice-dev.yaml");
        await Browser.ScreenshotAsync(page, "config-import");
        Assert.Equal("server:\n  port: 8080\n", await ContentAsync("zip-dst", "DEFAULT_GROUP", "userservice-dev.yaml"));
        Assert.Equal("{\"retries\":3}", await ContentAsync("zip-dst", "ORDERS", "orders.json"));
        var imported = await console.AdminAsync(HttpMethod.Get, "/v1/namespaces/zip-dst/groups/DEFAULT_GROUP/configs/userservice-dev.yaml?format=json");
        Assert.Equal(("yaml", "team-a"), (imported.GetProperty("type").GetString(), imported.GetProperty("tags")[0].GetString()));

        // The same zip again: the default policy refuses it whole; 'skip' keeps what is there.
        await page.SetInputFilesAsync("input[aria-label='Zip to import']", zip);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("nothing was written");
        await page.GetByLabel("Import policy").SelectOptionAsync("skip");
        await page.SetInputFilesAsync("input[aria-label='Zip to import']", zip);
        await Expect(page.GetByTestId("transfer-result")).ToContainTextAsync("0 created, 2 skipped");
        AssertSameOrigin(console.ConsoleAddress, requests);
    }

    [Fact]
    public async Task The_cluster_page_shows_the_single_node_and_the_services_list_marks_a_reached_protect_threshold()
    {
        await console.AdminAsync(HttpMethod.Put, "/v1/namespaces/public/groups/DEFAULT_GROUP/services/guarded", new { protectThreshold = 0.8 });
        await console.AdminAsync(HttpMethod.Post, "/v1/namespaces/public/groups/DEFAULT_GROUP/services/guarded/instances", new { ip = "10.9.0.1", port = 80 });
        await console.AdminAsync(HttpMethod.Post, "/v1/namespaces/public/groups/DEFAULT_GROUP/services/guarded/instances", new { ip = "10.9.0.2", port = 80, healthy = false });
        var nodes = await console.AdminAsync(HttpMethod.Get, "/v1/cluster/nodes");
        var self = nodes.GetProperty("self").GetString()!;
        var (context, page, requests) = await console.OpenAsync();
        await using var _ = context;
        await console.LogInAsync(page);

        await GoAsync(page, console.ConsoleAddress, "/ns/public/services");
        var guarded = page.Locator("tr", new() { HasText = "guarded" });
        await Expect(guarded.GetByTestId("protect")).ToContainTextAsync("0.8 reached");
        await Browser.ScreenshotAsync(page, "services-protect-threshold");

        await page.ClickAsync("nav >> text=Cluster");
        var table = page.GetByTestId("cluster-nodes");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(table.Locator($"tr[data-node='{self}']")).ToContainTextAsync("(this node)");
        await Expect(table).ToContainTextAsync("alive");
        await Browser.ScreenshotAsync(page, "cluster-single-node");
        AssertSameOrigin(console.ConsoleAddress, requests);
    }
}
