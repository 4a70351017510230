using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Meridian.Console.Tests.Infrastructure;
using Microsoft.Playwright;
using static Meridian.Console.Tests.Infrastructure.ConsolePage;
using static Microsoft.Playwright.Assertions;

namespace Meridian.Console.Tests;

/// <summary>An operator's work in the console, in real Chromium against a real server with auth on, checked through the API.</summary>
public sealed class ConsoleFlowTests(ConsoleServer console) : IClassFixture<ConsoleServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publishing_a_YAML_config_shows_the_diff_before_it_and_a_rollback_restores_the_earlier_version()
    {
        var (context, page, requests) = await console.OpenAsync();
        await using var _ = context;
        await console.LogInAsync(page);
        await Browser.ScreenshotAsync(page, "namespaces");

        await page.ClickAsync("nav >> text=Namespaces");
        await page.FillAsync("input[name=ns-id]", "flow-dev");
        await page.FillAsync("input[name=ns-name]", "Development");
        await page.ClickAsync("button:has-text('Create namespace')");
        await Expect(page.Locator("tr[data-ns='flow-dev']")).ToContainTextAsync("Development");
        Assert.Equal("Development", (await console.AdminAsync(HttpMethod.Get, "/v1/namespaces/flow-dev")).GetProperty("name").GetString());

        await page.SelectOptionAsync("select[aria-label=Namespace]", "flow-dev");
        await page.ClickAsync("nav >> text=Configs");
        await page.ClickAsync("button:has-text('New config')");
        await page.FillAsync("input[name=data-id]", "userservice-dev.yaml");
        await SetEditorAsync(page, "server:\n  port: [8080\n");
        await Expect(page.GetByTestId("validation")).ToContainTextAsync("Line ");
        await Expect(page.Locator("button:has-text('Review changes')")).ToBeDisabledAsync();
        await Browser.ScreenshotAsync(page, "config-validation");

        await SetEditorAsync(page, "server:\n  port: 8080\n");
        await Expect(page.GetByTestId("validation")).ToHaveTextAsync("Valid yaml");
        await page.ClickAsync("button:has-text('Review changes')");
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("port: 8080");
        using (var before = await console.Server.Client.GetAsync("/v1/namespaces/flow-dev/groups/DEFAULT_GROUP/configs/userservice-dev.yaml", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        await page.ClickAsync("button:has-text('Publish')");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Published version 1");
        var v1 = await console.AdminAsync(HttpMethod.Get, "/v1/namespaces/flow-dev/groups/DEFAULT_GROUP/configs/userservice-dev.yaml?format=json");
        Assert.Equal("server:\n  port: 8080\n", v1.GetProperty("content").GetString());
        Assert.Equal("yaml", v1.GetProperty("type").GetString());

        await Expect(page.Locator(".cm-content")).ToContainTextAsync("port: 8080");
        await SetEditorAsync(page, "server:\n  port: 9090\n");
        await page.ClickAsync("button:has-text('Review changes')");
        await Expect(page.GetByTestId("diff-summary")).ToHaveTextAsync("+1 −1 lines");
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("8080");
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("9090");
        await Browser.ScreenshotAsync(page, "config-diff-before-publish");
        await page.ClickAsync("button:has-text('Publish')");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Published version 2");
        await Browser.ScreenshotAsync(page, "config-edit");

        await page.ClickAsync(".tabs >> text=History");
        await Expect(page.Locator("tr[data-version='2']")).ToBeVisibleAsync();
        await page.ClickAsync("button:has-text('Compare versions')");
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("Version 1");
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("9090");
        await page.Locator("tr[data-version='1']").Locator("button:has-text('Roll back to this')").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("version 1");
        await Browser.ScreenshotAsync(page, "config-history");
        await page.ClickAsync("button:has-text('Roll back to version 1')");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Rolled back");
        var rolledBack = await console.AdminAsync(HttpMethod.Get, "/v1/namespaces/flow-dev/groups/DEFAULT_GROUP/configs/userservice-dev.yaml?format=json");
        Assert.Equal("server:\n  port: 8080\n", rolledBack.GetProperty("content").GetString());
        Assert.Equal(3, rolledBack.GetProperty("version").GetInt64());
        var history = await console.AdminAsync(HttpMethod.Get, "/v1/namespaces/flow-dev/groups/DEFAULT_GROUP/configs/userservice-dev.yaml/history");
        Assert.Equal("rollback", history.GetProperty("items")[0].GetProperty("operation").GetString());
        Assert.Equal("admin", history.GetProperty("items")[0].GetProperty("user").GetString());

        await page.ClickAsync("nav >> text=Configs");
        await Expect(page.Locator("table")).ToContainTextAsync("userservice-dev.yaml");
        await Browser.ScreenshotAsync(page, "configs");
        AssertSameOrigin(console.ConsoleAddress, requests);
    }

    [Fact]
    public async Task Draining_and_taking_an_instance_offline_on_its_page_changes_it_in_the_API_and_API_changes_show_live()
    {
        using var first = new TcpListener(IPAddress.Loopback, 0);
        using var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        var port = ((IPEndPoint)first.LocalEndpoint).Port;
        const string instances = "/v1/namespaces/public/groups/DEFAULT_GROUP/services/inventory/instances";
        foreach (var (listener, cluster) in new[] { (first, "HZ"), (second, "SH") })
        {
            await console.AdminAsync(HttpMethod.Post, instances,
                new { ip = "127.0.0.1", port = ((IPEndPoint)listener.LocalEndpoint).Port, ephemeral = false, cluster, metadata = new Dictionary<string, string> { ["version"] = "1.4" } });
        }

        var id = $"127.0.0.1#{port}#HZ#DEFAULT_GROUP@@inventory";
        var (context, page, requests) = await console.OpenAsync();
        await using var _ = context;
        await console.LogInAsync(page);
        await page.ClickAsync("nav >> text=Services");
        await Expect(page.Locator("table")).ToContainTextAsync("inventory");
        await Browser.ScreenshotAsync(page, "services");
        await page.ClickAsync("a:has-text('inventory')");

        var row = page.Locator($"tr[data-instance='127.0.0.1:{port}']");
        await Expect(row).ToContainTextAsync("probe");
        await Expect(row).ToContainTextAsync("version=1.4");
        await row.Locator("input[type=number]").FillAsync("0");
        await row.Locator("button:has-text('Set weight')").ClickAsync();
        await Expect(row).ToContainTextAsync("draining");
        Assert.Equal(0, (await InstanceAsync(instances, id)).GetProperty("weight").GetDouble());

        await row.Locator("button:has-text('Take offline')").ClickAsync();
        await Expect(row.Locator("button:has-text('Bring online')")).ToBeVisibleAsync();
        Assert.False((await InstanceAsync(instances, id)).GetProperty("enabled").GetBoolean());
        await Browser.ScreenshotAsync(page, "service");
        await row.Locator("button:has-text('Bring online')").ClickAsync();
        await Expect(row.Locator("button:has-text('Take offline')")).ToBeVisibleAsync();
        Assert.True((await InstanceAsync(instances, id)).GetProperty("enabled").GetBoolean());

        // A change made elsewhere (here through the API) reaches the open page through the change stream.
        await console.AdminAsync(HttpMethod.Patch, $"{instances}/{Uri.EscapeDataString(id)}", new { weight = 5 });
        await Expect(row.Locator("input[type=number]")).ToHaveValueAsync("5");
        AssertSameOrigin(console.ConsoleAddress, requests);
    }

    [Fact]
    public async Task A_read_only_user_sees_only_their_namespace_without_write_controls_and_the_API_refuses_their_write()
    {
        await console.AdminAsync(HttpMethod.Post, "/v1/namespaces", new { id = "ro-a" });
        await console.AdminAsync(HttpMethod.Post, "/v1/namespaces", new { id = "ro-b" });
        await console.AdminAsync(HttpMethod.Put, "/v1/namespaces/ro-a/groups/DEFAULT_GROUP/configs/app.yaml", new { content = "a: 1\n", type = "yaml" });
        await console.AdminAsync(HttpMethod.Put, "/v1/namespaces/ro-b/groups/DEFAULT_GROUP/configs/secret.yaml", new { content = "b: 1\n", type = "yaml" });
        await console.AdminAsync(HttpMethod.Put, "/v1/auth/roles/ro-a-readers", new { grants = new[] { new { @namespace = "ro-a", actions = new[] { "read" } } } });
        await console.AdminAsync(HttpMethod.Post, "/v1/auth/users", new { username = "reader", password = "reader-pass-1", roles = new[] { "ro-a-readers" } });

        var (context, page, requests) = await console.OpenAsync();
        await using var _ = context;
        await console.LogInAsync(page, "reader", "reader-pass-1");
        var options = await page.Locator("select[aria-label=Namespace] option").AllTextContentsAsync();
        Assert.Equal(["ro-a (ro-a)"], options);
        await Expect(page.Locator("nav >> text=Users")).ToHaveCountAsync(0);
        await Expect(page.Locator("button:has-text('Create namespace')")).ToHaveCountAsync(0);

        await page.ClickAsync("nav >> text=Configs");
        await Expect(page.Locator("table")).ToContainTextAsync("app.yaml");
        await Expect(page.Locator("button:has-text('New config')")).ToHaveCountAsync(0);
        await page.ClickAsync("a:has-text('app.yaml')");
        await Expect(page.Locator(".cm-content")).ToContainTextAsync("a: 1");
        await Expect(page.Locator("button:has-text('Review changes')")).ToHaveCountAsync(0);
        await page.ClickAsync(".tabs >> text=History");
        await Expect(page.Locator("tr[data-version='1']")).ToBeVisibleAsync();
        await Expect(page.Locator("button:has-text('Roll back')")).ToHaveCountAsync(0);

        // The same session, sent straight to the API with its antiforgery token: refused by the server, not only hidden.
        var status = await page.EvaluateAsync<int>("""
            async () => {
              const session = await (await fetch('v1/auth/session')).json();
              const r = await fetch('v1/namespaces/ro-a/groups/DEFAULT_GROUP/configs/app.yaml', {
                method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-Meridian-Csrf': session.csrfToken },
                body: JSON.stringify({ content: 'a: 2', type: 'yaml' }) });
              return r.status;
            }
            """);
        Assert.Equal(403, status);
        var other = await page.EvaluateAsync<int>("async () => (await fetch('v1/namespaces/ro-b/groups/DEFAULT_GROUP/configs/secret.yaml?format=json')).status");
        Assert.True(other is 403 or 404, $"reading another namespace answered {other}");
        Assert.Equal("a: 1\n", (await console.AdminAsync(HttpMethod.Get, "/v1/namespaces/ro-a/groups/DEFAULT_GROUP/configs/app.yaml?format=json")).GetProperty("content").GetString());

        await ConsolePage.GoAsync(page, console.ConsoleAddress, "/ns/ro-b/configs");
        // A namespace the user has no grant in lists nothing, though it holds a config.
        await Expect(page.Locator("table")).ToContainTextAsync("No configs.");
        await Expect(page.Locator("table")).Not.ToContainTextAsync("secret.yaml");
        AssertSameOrigin(console.ConsoleAddress, requests);
    }

    [Fact]
    public async Task A_publish_over_someone_elses_shows_their_change_instead_of_overwriting_it()
    {
        const string path = "/v1/namespaces/public/groups/DEFAULT_GROUP/configs/cas.yaml";
        await console.AdminAsync(HttpMethod.Put, path, new { content = "limit: 1\n", type = "yaml" });
        var (first, alice, _) = await console.OpenAsync();
        await using var a = first;
        var (second, bob, _) = await console.OpenAsync();
        await using var b = second;
        foreach (var page in new[] { alice, bob })
        {
            await console.LogInAsync(page);
            await ConsolePage.GoAsync(page, console.ConsoleAddress, "/ns/public/configs/DEFAULT_GROUP/cas.yaml");
            await Expect(page.Locator(".cm-content")).ToContainTextAsync("limit: 1");
        }

        await SetEditorAsync(alice, "limit: 2\n");
        await alice.ClickAsync("button:has-text('Review changes')");
        await alice.ClickAsync("button:has-text('Publish')");
        await Expect(alice.GetByRole(AriaRole.Status)).ToContainTextAsync("Published version 2");

        await SetEditorAsync(bob, "limit: 3\n");
        await bob.ClickAsync("button:has-text('Review changes')");
        await bob.ClickAsync("button:has-text('Publish')");
        await Expect(bob.GetByRole(AriaRole.Alert)).ToContainTextAsync("Someone else changed this config");
        await Expect(bob.GetByTestId("diff")).ToContainTextAsync("limit: 2");
        await Expect(bob.GetByTestId("diff")).ToContainTextAsync("Theirs (version 2)");
        await Browser.ScreenshotAsync(bob, "config-conflict");
        Assert.Equal("limit: 2\n", (await console.AdminAsync(HttpMethod.Get, path + "?format=json")).GetProperty("content").GetString());

        // Bob reviews his change against theirs and publishes it knowingly.
        await bob.ClickAsync("button:has-text('Review mine against theirs')");
        await Expect(bob.GetByTestId("diff")).ToContainTextAsync("limit: 3");
        await bob.ClickAsync("button:has-text('Publish')");
        await Expect(bob.GetByRole(AriaRole.Status)).ToContainTextAsync("Published version 3");
        Assert.Equal("limit: 3\n", (await console.AdminAsync(HttpMethod.Get, path + "?format=json")).GetProperty("content").GetString());
    }

    [Fact]
    public async Task Logging_out_ends_the_session_on_the_server_and_a_write_without_the_antiforgery_token_is_refused()
    {
        var (context, page, _) = await console.OpenAsync();
        await using var _c = context;
        await console.LogInAsync(page);
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "meridian_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        using var http = new HttpClient { BaseAddress = console.Server.BaseAddress };
        using (var forged = new HttpRequestMessage(HttpMethod.Post, "/v1/namespaces") { Content = System.Net.Http.Json.JsonContent.Create(new { id = "csrf-made" }) })
        {
            forged.Headers.Add("Cookie", $"meridian_session={cookie.Value}");
            using var refused = await http.SendAsync(forged, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("X-Meridian-Csrf", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        await page.ClickAsync("button:has-text('Log out')");
        await Expect(page.Locator("button:has-text('Log in')")).ToBeVisibleAsync();
        using var after = new HttpRequestMessage(HttpMethod.Get, "/v1/namespaces");
        after.Headers.Add("Cookie", $"meridian_session={cookie.Value}");
        using var answer = await http.SendAsync(after, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        await Browser.ScreenshotAsync(page, "login");
    }

    [Fact]
    public async Task An_administrator_makes_a_role_a_user_and_an_access_key_whose_secret_is_shown_once_and_works_until_revoked()
    {
        var (context, page, requests) = await console.OpenAsync();
        await using var _ = context;
        await console.LogInAsync(page);

        await page.ClickAsync("nav >> text=Roles");
        await page.FillAsync("input[name=role-name]", "team-writers");
        await page.FillAsync("input[name=role-namespace]", "team");
        await page.CheckAsync("input[name=role-write]");
        await page.ClickAsync("button:has-text('Save role')");
        await Expect(page.Locator("table")).ToContainTextAsync("read+write * team/*/*");
        await Browser.ScreenshotAsync(page, "roles");

        await page.ClickAsync("nav >> text=Users");
        await page.FillAsync("input[name=new-username]", "teammate");
        await page.FillAsync("input[name=new-user-password]", "teammate-pass-1");
        await page.FillAsync("input[name=new-user-roles]", "team-writers");
        await page.ClickAsync("button:has-text('Create user')");
        await Expect(page.Locator("table")).ToContainTextAsync("teammate");
        await Browser.ScreenshotAsync(page, "users");
        var user = await console.AdminAsync(HttpMethod.Get, "/v1/auth/users");
        Assert.Contains(user.EnumerateArray(), u => u.GetProperty("username").GetString() == "teammate" && u.GetProperty("roles")[0].GetString() == "team-writers");

        await page.ClickAsync("nav >> text=Access keys");
        await page.FillAsync("input[name=key-name]", "inventory-service");
        await page.FillAsync("input[name=key-namespaces]", "public");
        await page.ClickAsync("button:has-text('Create key')");
        var secret = await page.GetByTestId("key-secret").InnerTextAsync();
        Assert.StartsWith("mrd_", secret, StringComparison.Ordinal);
        await Browser.ScreenshotAsync(page, "keys");
        using (var keyed = Meridian.Testing.TestAuth.ClientWith(console.Server.BaseAddress, secret))
        using (var read = await keyed.GetAsync("/v1/namespaces/public/services", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        // Shown once: gone after it is dismissed and absent from the list the API gives.
        await page.ClickAsync("button:has-text('I have copied it')");
        await Expect(page.GetByTestId("key-secret")).ToHaveCountAsync(0);
        await Expect(page.Locator("body")).Not.ToContainTextAsync(secret);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.Locator("tr:has-text('inventory-service')").Locator("button:has-text('Revoke')").ClickAsync();
        await Expect(page.Locator("tr:has-text('inventory-service')")).ToContainTextAsync("revoked");
        using (var keyed = Meridian.Testing.TestAuth.ClientWith(console.Server.BaseAddress, secret))
        using (var refused = await keyed.GetAsync("/v1/namespaces/public/services", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // The new user changes their password in the console; the old one no longer logs in.
        var (other, theirs, _) = await console.OpenAsync();
        await using var _o = other;
        await console.LogInAsync(theirs, "teammate", "teammate-pass-1");
        await theirs.ClickAsync("a:has-text('Change password')");
        await theirs.FillAsync("input[name=new-password]", "teammate-pass-2");
        await theirs.FillAsync("input[name=repeat-password]", "teammate-pass-2");
        await Browser.ScreenshotAsync(theirs, "change-password");
        await theirs.ClickAsync("button:has-text('Change password')");
        await Expect(theirs.GetByRole(AriaRole.Status)).ToContainTextAsync("Password changed");
        await Expect(theirs.GetByTestId("user")).ToHaveTextAsync("teammate");
        using var http = new HttpClient();
        using var old = await http.PostAsJsonAsync(new Uri(console.Server.BaseAddress, "/v1/auth/token"), new { username = "teammate", password = "teammate-pass-1" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        AssertSameOrigin(console.ConsoleAddress, requests);
    }

    private async Task<System.Text.Json.JsonElement> InstanceAsync(string instances, string id)
    {
        var list = await console.AdminAsync(HttpMethod.Get, instances);
        return list.GetProperty("instances").EnumerateArray().Single(i => i.GetProperty("instanceId").GetString() == id);
    }
}
