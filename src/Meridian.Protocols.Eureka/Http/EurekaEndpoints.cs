using System.Globalization;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Meridian.Auth;
using Meridian.Protocols.Eureka.Registry;
using Meridian.Protocols.Eureka.Wire;

namespace Meridian.Protocols.Eureka.Http;

/// <summary>
/// The Eureka REST resources (ApplicationsResource, ApplicationResource, InstanceResource, VIPResource). Reads answer
/// JSON only when <c>Accept</c> asks for it and XML otherwise, as Eureka does.
/// </summary>
internal static class EurekaEndpoints
{
    private const long MaxBodyBytes = 64 * 1024;

    public static void MapEurekaResources(this RouteGroupBuilder eureka)
    {
        eureka.MapPost("/apps/{app}", RegisterAsync);
        eureka.MapPut("/apps/{app}/{id}", RenewAsync);
        eureka.MapDelete("/apps/{app}/{id}", CancelAsync);
        eureka.MapGet("/apps", Full);
        eureka.MapGet("/apps/delta", Delta);
        eureka.MapGet("/apps/{app}", Application);
        eureka.MapGet("/apps/{app}/{id}", InstanceOfApp);
        eureka.MapGet("/instances/{id}", InstanceById);
        eureka.MapGet("/vips/{vip}", (string vip, HttpRequest request, EurekaRegistryView view) => ByVip(request, view, vip, secure: false));
        eureka.MapGet("/svips/{svip}", (string svip, HttpRequest request, EurekaRegistryView view) => ByVip(request, view, svip, secure: true));
        eureka.MapPut("/apps/{app}/{id}/status", OverrideStatusAsync);
        eureka.MapDelete("/apps/{app}/{id}/status", RemoveOverrideAsync);
        eureka.MapPut("/apps/{app}/{id}/metadata", UpdateMetadataAsync);
    }

    private static async Task<IResult> RegisterAsync(string app, HttpRequest request, EurekaRegistrar registrar, CancellationToken ct)
    {
        var input = await ReadInstanceAsync(request, ct);
        await registrar.RegisterAsync(app, input, Caller.Of(request.HttpContext.User), ct);
        return Results.NoContent();
    }

    private static async Task<IResult> RenewAsync(string app, string id, HttpRequest request, EurekaRegistrar registrar, CancellationToken ct)
    {
        var dirty = long.TryParse(request.Query["lastDirtyTimestamp"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? d : (long?)null;
        return await registrar.RenewAsync(app, id, dirty, Caller.Of(request.HttpContext.User), ct) ? Results.Ok() : Results.NotFound();
    }

    private static async Task<IResult> CancelAsync(string app, string id, HttpContext http, EurekaRegistrar registrar, CancellationToken ct) =>
        await registrar.CancelAsync(app, id, Caller.Of(http.User), ct) ? Results.Ok() : Results.NotFound();

    private static IResult Full(HttpContext http, EurekaRegistryView view, EurekaPayloadCache cache)
    {
        view.DemandRead(Caller.Of(http.User));
        var writer = Writer(http.Request);
        var gzip = AcceptsGzip(http);
        return Results.Bytes(cache.Applications(view.Full(), writer, gzip), writer.ContentType);
    }

    private static IResult Delta(HttpContext http, EurekaRegistryView view)
    {
        view.DemandRead(Caller.Of(http.User));
        var writer = Writer(http.Request);
        var (applications, hashCode, version) = view.Delta();
        var payload = writer.Applications(applications, version.ToString(CultureInfo.InvariantCulture), hashCode);
        return Results.Bytes(AcceptsGzip(http) ? EurekaPayloadCache.Gzip(payload) : payload, writer.ContentType);
    }

    /// <summary>Eureka gzips the registry reads when asked to; the answer then says so.</summary>
    private static bool AcceptsGzip(HttpContext http)
    {
        if (!http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        http.Response.Headers.ContentEncoding = "gzip";
        http.Response.Headers.Vary = "Accept-Encoding";
        return true;
    }

    private static IResult Application(string app, HttpRequest request, EurekaRegistryView view)
    {
        view.DemandRead(Caller.Of(request.HttpContext.User));
        var writer = Writer(request);
        return view.Application(app) is { } application ? Results.Bytes(writer.Application(application), writer.ContentType) : Results.NotFound();
    }

    private static IResult InstanceOfApp(string app, string id, HttpRequest request, EurekaRegistryView view)
    {
        view.DemandRead(Caller.Of(request.HttpContext.User));
        var writer = Writer(request);
        return view.Instance(app, id) is { } instance ? Results.Bytes(writer.Instance(instance), writer.ContentType) : Results.NotFound();
    }

    private static IResult InstanceById(string id, HttpRequest request, EurekaRegistryView view)
    {
        view.DemandRead(Caller.Of(request.HttpContext.User));
        var writer = Writer(request);
        return view.Instance(id) is { } instance ? Results.Bytes(writer.Instance(instance), writer.ContentType) : Results.NotFound();
    }

    /// <summary>Applications whose instances list the VIP in their comma-separated (secure) VIP address; 200 even when none do.</summary>
    private static IResult ByVip(HttpRequest request, EurekaRegistryView view, string vip, bool secure)
    {
        view.DemandRead(Caller.Of(request.HttpContext.User));
        var writer = Writer(request);
        var applications = new List<EurekaApplication>();
        foreach (var application in view.Full().Applications)
        {
            var matching = application.Instances
                .Where(i => (secure ? i.SecureVipAddress : i.VipAddress)?.Split(',', StringSplitOptions.TrimEntries).Contains(vip, StringComparer.Ordinal) == true)
                .ToList();
            if (matching.Count > 0)
            {
                applications.Add(application with { Instances = matching });
            }
        }

        return Results.Bytes(writer.Applications(applications, "1", EurekaAppsHashCode.Compute(applications)), writer.ContentType);
    }

    private static async Task<IResult> OverrideStatusAsync(string app, string id, HttpRequest request, EurekaRegistrar registrar, CancellationToken ct) =>
        await registrar.OverrideStatusAsync(app, id, request.Query["value"].FirstOrDefault(), Caller.Of(request.HttpContext.User), ct) ? Results.Ok() : Results.NotFound();

    private static async Task<IResult> RemoveOverrideAsync(string app, string id, HttpRequest request, EurekaRegistrar registrar, CancellationToken ct) =>
        await registrar.RemoveOverrideAsync(app, id, request.Query["value"].FirstOrDefault(), Caller.Of(request.HttpContext.User), ct) ? Results.Ok() : Results.NotFound();

    private static async Task<IResult> UpdateMetadataAsync(string app, string id, HttpRequest request, EurekaRegistrar registrar, CancellationToken ct)
    {
        var pairs = request.Query.Select(p => new KeyValuePair<string, string>(p.Key, p.Value.FirstOrDefault() ?? "")).ToList();
        return await registrar.UpdateMetadataAsync(app, id, pairs, Caller.Of(request.HttpContext.User), ct) ? Results.Ok() : Results.NotFound();
    }

    private static IEurekaWriter Writer(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("json", StringComparison.OrdinalIgnoreCase) ? EurekaJsonWriter.Default : EurekaXmlWriter.Default;

    /// <summary>JSON unless the body is declared or looks like XML; a body that is neither gets a 400 saying why.</summary>
    private static async Task<EurekaInstanceInput> ReadInstanceAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new EurekaException(StatusCodes.Status413PayloadTooLarge, $"The registration is {request.ContentLength} bytes; at most {MaxBodyBytes} are accepted.");
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, ct);
        if (body.Length > MaxBodyBytes)
        {
            throw new EurekaException(StatusCodes.Status413PayloadTooLarge, $"The registration is over {MaxBodyBytes} bytes.");
        }

        body.Position = 0;
        var isXml = request.ContentType?.Contains("xml", StringComparison.OrdinalIgnoreCase) == true || FirstNonSpace(body.GetBuffer().AsSpan(0, (int)body.Length)) == '<';
        try
        {
            if (isXml)
            {
                return EurekaXmlReader.Read(await EurekaXmlReader.LoadAsync(body, ct));
            }

            using var json = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length));
            return EurekaJsonReader.Read(json.RootElement);
        }
        catch (Exception e) when (e is JsonException or XmlException or FormatException or InvalidOperationException)
        {
            // InvalidOperationException: a JSON string the parser accepted but cannot turn into text (a lone surrogate escape).
            throw new EurekaException(StatusCodes.Status400BadRequest, $"The registration could not be read as Eureka {(isXml ? "XML" : "JSON")}: {e.Message}");
        }
    }

    private static char FirstNonSpace(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (!char.IsWhiteSpace((char)b))
            {
                return (char)b;
            }
        }

        return '\0';
    }
}
