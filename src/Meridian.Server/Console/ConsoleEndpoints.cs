using System.Net;
using System.Text;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Meridian.Server.Console;

/// <summary>
/// Serves the web console at <c>/</c>: its files from the assembly, gzipped when the browser takes it, with ETags (304
/// on a match), hashed assets cached for a year, and <c>index.html</c> for every other path that is not the API's, so
/// the console's own routes load on refresh. The page learns where it is served from a <c>&lt;base&gt;</c> tag, so it
/// works under a proxy's path prefix. Nothing it loads comes from elsewhere (the Content-Security-Policy says so too).
/// </summary>
internal static class ConsoleEndpoints
{
    /// <summary>The first path segments of the console's own routes: a reload there gets the page, anything else a 404.</summary>
    private static readonly string[] ConsoleRoutes = ["ns", "namespaces", "users", "roles", "keys", "password", "listeners", "cluster"];

    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

    public static IServiceCollection AddMeridianConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConsoleOptions>().Bind(configuration.GetSection(ConsoleOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidator>();
        services.AddSingleton<ConsoleAssets>();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Only from a proxy on loopback (the default known proxies): the prefix it strips, and whether the browser used HTTPS.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedPrefix | ForwardedHeaders.XForwardedProto;
        });
        return services;
    }

    /// <summary>First in the pipeline: the configured base path, and a loopback proxy's X-Forwarded-Prefix.</summary>
    public static void UseMeridianBasePath(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.BasePath is { Length: > 0 } basePath)
        {
            app.UsePathBase(basePath);
        }

        // Routing runs after the base path is taken off (minimal hosting would otherwise route first, on the full path).
        app.UseRouting();
    }

    public static void MapMeridianConsole(this WebApplication app)
    {
        var assets = app.Services.GetRequiredService<ConsoleAssets>();
        app.MapGet("/", (HttpContext http) => Serve(http, assets, "index.html")).AllowAnonymous().ExcludeFromDescription().WithDisplayName("Web console: page");
        app.MapFallback("{**path}", (HttpContext http) =>
            {
                var path = http.Request.Path.Value ?? "/";
                var file = path.TrimStart('/');
                if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                {
                    if (path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal) && assets.Find(file) is not null)
                    {
                        return Serve(http, assets, file);
                    }

                    if (path.Split('/', 3) is [_, var first, ..] && ConsoleRoutes.Contains(first, StringComparer.Ordinal))
                    {
                        return Serve(http, assets, "index.html");
                    }
                }

                // Anything else is as if the console were not here: a caller without credentials is asked for them (nothing
                // tells it which paths exist), an authenticated one learns there is no such endpoint.
                if (http.User.Identity?.IsAuthenticated != true)
                {
                    return Results.Challenge();
                }

                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.",
                    detail: $"No endpoint answers {http.Request.Method} {path}; the API reference is at /docs.");
            })
            .AllowAnonymous().ExcludeFromDescription().WithDisplayName("Web console: files and routes");
    }

    private static IResult Serve(HttpContext http, ConsoleAssets assets, string file)
    {
        if (!assets.IsBuilt)
        {
            return Results.Content(NotBuiltPage, "text/html; charset=utf-8", statusCode: StatusCodes.Status200OK);
        }

        var asset = assets.Find(file)!;
        var response = http.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        byte[] content = asset.Content, gzipped = asset.Gzipped;
        var etag = asset.ETag;
        if (file == "index.html")
        {
            // The page resolves its assets and API calls against <base>, the path the browser reached the server by.
            var basePath = http.Request.PathBase.HasValue ? http.Request.PathBase.Value : "";
            var page = Encoding.UTF8.GetString(asset.Content).Replace("<head>", $"<head><base href=\"{WebUtility.HtmlEncode(basePath)}/\">", StringComparison.Ordinal);
            content = Encoding.UTF8.GetBytes(page);
            gzipped = [];
            etag = $"\"{asset.ETag.Trim('"')}-{(uint)StringComparer.Ordinal.GetHashCode(basePath):x8}\"";
            response.Headers.CacheControl = "no-cache";
            response.Headers.ContentSecurityPolicy = Policy;
            response.Headers.XFrameOptions = "DENY";
            response.Headers["Referrer-Policy"] = "same-origin";
        }
        else
        {
            response.Headers.CacheControl = file.StartsWith("assets/", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-cache";
        }

        response.Headers.ETag = etag;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        if (gzipped.Length > 0 && gzipped.Length < content.Length && AcceptsGzip(http.Request))
        {
            response.Headers.ContentEncoding = "gzip";
            return Results.Bytes(gzipped, asset.ContentType);
        }

        return Results.Bytes(content, asset.ContentType);
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.Headers.AcceptEncoding.Any(v => v is not null && v.Split(',').Any(e => e.Trim().StartsWith("gzip", StringComparison.OrdinalIgnoreCase) && !e.Contains("q=0", StringComparison.Ordinal)));

    private const string NotBuiltPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Meridian</title></head>
        <body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
        <h1>Meridian</h1>
        <p>This server was built without its web console (<code>-p:BuildConsole=false</code>).</p>
        <p>Build it with Node.js 20 or later on the path: <code>dotnet build src/Meridian.Server</code> runs
        <code>npm ci</code> and <code>vite build</code> in <code>src/Meridian.Console</code> and embeds the result.</p>
        <p>The HTTP API works either way: its reference is at <a href="docs">docs</a>.</p>
        </body></html>
        """;
}
