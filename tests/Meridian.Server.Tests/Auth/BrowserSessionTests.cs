using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meridian.Server.Tests.Cluster;
using Meridian.Server.Tests.Infrastructure;
using Meridian.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Server.Tests.Auth;

/// <summary>The web console's session cookie: on any node of a cluster, with an idle timeout, antiforgery and a logout every node honours.</summary>
public sealed class BrowserSessionTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_session_from_one_node_works_on_another_and_a_logout_on_one_ends_it_on_both()
    {
        await using var cluster = await ClusterNodes.StartAsync(postgres, 2, Ct);
        var (node1, node2) = (cluster[0], cluster[1]);
        var (cookie, csrf) = await LogInAsync(node1.BaseAddress);

        using (var list = await SendAsync(node2.BaseAddress, HttpMethod.Get, "/v1/namespaces", cookie))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        using (var created = await SendAsync(node2.BaseAddress, HttpMethod.Post, "/v1/namespaces", cookie, csrf, new { id = "from-cookie" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var logout = await SendAsync(node1.BaseAddress, HttpMethod.Delete, "/v1/auth/session", cookie, csrf))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using (var here = await SendAsync(node1.BaseAddress, HttpMethod.Get, "/v1/namespaces", cookie))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, here.StatusCode);
        }

        // The other node reads the directory again every 5 s (Meridian:Auth:DirectoryRefreshInterval on PostgreSQL).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        HttpStatusCode status;
        do
        {
            using var there = await SendAsync(node2.BaseAddress, HttpMethod.Get, "/v1/namespaces", cookie);
            status = there.StatusCode;
            if (status != HttpStatusCode.Unauthorized)
            {
                await Task.Delay(200, Ct);
            }
        }
        while (status != HttpStatusCode.Unauthorized && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task A_session_idle_for_longer_than_the_timeout_ends_and_each_request_renews_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time, new Dictionary<string, string?> { ["Meridian:Auth:SessionIdleTimeout"] = "00:10:00" }, cancellationToken: Ct);
        var (cookie, _) = await LogInAsync(server.BaseAddress);

        time.Advance(TimeSpan.FromMinutes(8));
        using (var active = await SendAsync(server.BaseAddress, HttpMethod.Get, "/v1/namespaces", cookie))
        {
            Assert.Equal(HttpStatusCode.OK, active.StatusCode);
            cookie = SessionCookie(active) ?? throw new InvalidOperationException("An active session's cookie was not renewed.");
        }

        time.Advance(TimeSpan.FromMinutes(8));
        using (var renewed = await SendAsync(server.BaseAddress, HttpMethod.Get, "/v1/namespaces", cookie))
        {
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        }

        time.Advance(TimeSpan.FromMinutes(11));
        using var idle = await SendAsync(server.BaseAddress, HttpMethod.Get, "/v1/namespaces", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, idle.StatusCode);
        Assert.Contains("log in again", await idle.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cookie_write_without_the_antiforgery_token_is_refused_and_a_bearer_write_needs_none()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var (cookie, csrf) = await LogInAsync(server.BaseAddress);
        using (var forged = await SendAsync(server.BaseAddress, HttpMethod.Post, "/v1/namespaces", cookie, body: new { id = "forged" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        using (var wrong = await SendAsync(server.BaseAddress, HttpMethod.Post, "/v1/namespaces", cookie, "not-the-token", new { id = "forged" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var missing = await server.Client.GetAsync("/v1/namespaces/forged", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var real = await SendAsync(server.BaseAddress, HttpMethod.Post, "/v1/namespaces", cookie, csrf, new { id = "real" }))
        {
            Assert.Equal(HttpStatusCode.Created, real.StatusCode);
        }

        using var bearer = await server.Client.PostAsJsonAsync("/v1/namespaces", new { id = "by-token" }, Ct);
        Assert.Equal(HttpStatusCode.Created, bearer.StatusCode);
    }

    [Fact]
    public async Task A_password_change_ends_the_sessions_begun_under_the_old_password()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using (var created = await server.Client.PostAsJsonAsync("/v1/auth/users", new { username = "ops", password = "ops-password-1", roles = Array.Empty<string>() }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var (other, _) = await LogInAsync(server.BaseAddress, "ops", "ops-password-1");
        var (cookie, csrf) = await LogInAsync(server.BaseAddress, "ops", "ops-password-1");
        using (var changed = await SendAsync(server.BaseAddress, HttpMethod.Put, "/v1/auth/users/ops", cookie, csrf, new { password = "ops-password-2" }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        using var old = await SendAsync(server.BaseAddress, HttpMethod.Get, "/v1/auth/me", other);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        var (fresh, _) = await LogInAsync(server.BaseAddress, "ops", "ops-password-2");
        using var me = await SendAsync(server.BaseAddress, HttpMethod.Get, "/v1/auth/me", fresh);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task The_change_stream_sends_only_what_the_caller_may_read()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        foreach (var ns in new[] { "open", "closed" })
        {
            using var created = await server.Client.PostAsJsonAsync("/v1/namespaces", new { id = ns }, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var role = await server.Client.PutAsJsonAsync("/v1/auth/roles/open-readers", new { grants = new[] { new { @namespace = "open", actions = new[] { "read" } } } }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, role.StatusCode);
        }

        using (var user = await server.Client.PostAsJsonAsync("/v1/auth/users", new { username = "watcher", password = "watcher-pass-1", roles = new[] { "open-readers" } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, user.StatusCode);
        }

        var (cookie, _) = await LogInAsync(server.BaseAddress, "watcher", "watcher-pass-1");
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        request.Headers.Add("Cookie", $"meridian_session={cookie}");
        using var stream = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(Ct));
        Assert.Equal(": connected", await reader.ReadLineAsync(Ct));

        foreach (var ns in new[] { "closed", "open" })
        {
            using var published = await server.Client.PutAsJsonAsync($"/v1/namespaces/{ns}/groups/DEFAULT_GROUP/configs/app.yaml", new { content = $"ns: {ns}\n", type = "yaml" }, Ct);
            Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync(Ct));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        string? data = null;
        while (data is null && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: {\"namespace\"", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        // The first event the watcher sees is the publish in 'open': the earlier one in 'closed' was not sent.
        var first = JsonDocument.Parse(data!).RootElement;
        Assert.Equal("open", first.GetProperty("namespace").GetString());
        Assert.Equal("app.yaml", first.GetProperty("dataId").GetString());
    }

    private static async Task<(string Cookie, string Csrf)> LogInAsync(Uri server, string username = "admin", string password = TestAuth.AdminPassword)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var response = await http.PostAsJsonAsync("/v1/auth/session", new { username, password }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        return (SessionCookie(response)!, JsonDocument.Parse(body).RootElement.GetProperty("csrfToken").GetString()!);
    }

    private static string? SessionCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0]).Where(v => v.StartsWith("meridian_session=", StringComparison.Ordinal)).Select(v => v["meridian_session=".Length..]).FirstOrDefault(v => v.Length > 0)
            : null;

    private static async Task<HttpResponseMessage> SendAsync(Uri server, HttpMethod method, string path, string cookie, string? csrf = null, object? body = null)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Cookie", $"meridian_session={cookie}");
        if (csrf is not null)
        {
            request.Headers.Add("X-Meridian-Csrf", csrf);
        }

        return await http.SendAsync(request, Ct);
    }
}
