using System.Net;
using System.Text.RegularExpressions;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Console;

/// <summary>The embedded web console as a browser fetches it: gzip, ETags, routes that reload, a path prefix.</summary>
public sealed partial class ConsoleServingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Assets_come_gzipped_with_an_ETag_that_answers_304_and_console_routes_reload_the_page()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var browser = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = server.BaseAddress };
        var page = await browser.GetStringAsync("/", Ct);
        Assert.Contains("Content-Security-Policy", string.Join(",", (await browser.GetAsync("/", Ct)).Headers.Select(h => h.Key)), StringComparison.Ordinal);
        var script = ScriptPath().Match(page).Groups[1].Value;
        Assert.StartsWith("./assets/", script, StringComparison.Ordinal);

        using var gzipped = new HttpRequestMessage(HttpMethod.Get, script[1..]);
        gzipped.Headers.AcceptEncoding.ParseAdd("gzip");
        using var asset = await browser.SendAsync(gzipped, Ct);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("gzip", Assert.Single(asset.Content.Headers.ContentEncoding));
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
        var etag = asset.Headers.ETag ?? throw new InvalidOperationException("no ETag");
        Assert.Contains("immutable", asset.Headers.CacheControl?.ToString(), StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, script[1..]);
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await browser.SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var route = await browser.GetAsync("/ns/public/configs/DEFAULT_GROUP/app.yaml", Ct);
        Assert.Equal(HttpStatusCode.OK, route.StatusCode);
        Assert.Contains("<base href=\"/\">", await route.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var unknown = await browser.GetAsync("/not-a-console-route", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        using var known = await server.Client.GetAsync("/not-a-console-route", Ct);
        Assert.Equal(HttpStatusCode.NotFound, known.StatusCode);
    }

    [Fact]
    public async Task Behind_a_loopback_proxy_the_page_names_the_forwarded_prefix_as_its_base()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var proxy = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/namespaces");
        request.Headers.Add("X-Forwarded-Prefix", "/meridian");
        using var response = await proxy.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<base href=\"/meridian/\">", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_base_path_serves_the_console_and_the_API_under_it()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Meridian:Console:BasePath"] = "/registry" }, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var page = await http.GetStringAsync("/registry/", Ct);
        Assert.Contains("<base href=\"/registry/\">", page, StringComparison.Ordinal);
        using var api = await server.Client.GetAsync("/registry/v1/namespaces", Ct);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [GeneratedRegex("src=\"([^\"]+\\.js)\"")]
    private static partial Regex ScriptPath();
}
