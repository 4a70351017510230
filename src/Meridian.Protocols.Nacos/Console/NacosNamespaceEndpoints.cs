using System.Text.Json;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Protocols.Nacos.Http;
using Meridian.Protocols.Nacos.Naming;
using Meridian.Validation;

namespace Meridian.Protocols.Nacos.Console;

/// <summary>
/// <c>/nacos/v1/console/namespaces</c> (Nacos' NamespaceController). Nacos shows the public namespace with the id
/// <c>""</c> and type 0; custom namespaces have type 2.
/// </summary>
internal static class NacosNamespaceEndpoints
{
    private const int Quota = 200;

    public static void MapNacosNamespaceEndpoints(this RouteGroupBuilder nacos)
    {
        var group = nacos.MapGroup("/v1/console/namespaces");
        group.MapGet("/", GetAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/", UpdateAsync);
        group.MapDelete("/", DeleteAsync);
    }

    private static async Task<IResult> GetAsync(HttpContext http, NamespaceCatalog catalog, ConfigProjection configs, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        if (p.Bool("checkNamespaceIdExist") == true)
        {
            return catalog.Exists(NacosNamespace.Id(p.Get("customNamespaceId"))) ? NacosResults.True : NacosResults.False;
        }

        if (p.Get("show") == "all")
        {
            var one = catalog.Get(NacosNamespace.Id(p.Get("namespaceId")))
                ?? throw new NacosException(StatusCodes.Status404NotFound, $"namespace {p.Get("namespaceId")} does not exist.");
            return NacosResults.Json(w => WriteNamespace(w, one, CountConfigs(configs), withDescription: true));
        }

        var all = catalog.List(Caller.Of(http.User));
        var counts = CountConfigs(configs);
        return NacosResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("code", 200);
            w.WriteNull("message");
            w.WriteStartArray("data");
            foreach (var ns in all)
            {
                WriteNamespace(w, ns, counts, withDescription: false);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> CreateAsync(HttpContext http, NamespaceCatalog catalog, NamespaceCommands namespaceCommands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var name = p.Required("namespaceName");
        var id = p.Get("customNamespaceId") is { Length: > 0 } custom ? custom.Trim() : Guid.NewGuid().ToString();
        if (catalog.Exists(id))
        {
            return NacosResults.False;
        }

        try
        {
            await namespaceCommands.CreateAsync(new NamespaceInfo(id, name, p.Get("namespaceDesc") ?? ""), Caller.Of(http.User), ct);
        }
        catch (ConflictException)
        {
            return NacosResults.False;
        }

        return NacosResults.True;
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, NamespaceCatalog catalog, NamespaceCommands namespaceCommands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var id = NacosNamespace.Id(p.Required("namespace"));
        var current = catalog.Get(id) ?? throw new NacosException(StatusCodes.Status404NotFound, $"namespace {id} does not exist.");
        await namespaceCommands.UpdateAsync(current with { Name = p.Required("namespaceShowName"), Description = p.Get("namespaceDesc") ?? current.Description }, Caller.Of(http.User), ct);
        return NacosResults.True;
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, NamespaceCommands namespaceCommands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var id = NacosNamespace.Id(p.Required("namespaceId"));
        try
        {
            await namespaceCommands.DeleteAsync(id, Caller.Of(http.User), ct);
        }
        catch (ConflictException e)
        {
            // Nacos answers a refused delete with 400.
            throw new NacosException(StatusCodes.Status400BadRequest, e.Message);
        }

        return NacosResults.True;
    }

    private static Dictionary<string, int> CountConfigs(ConfigProjection configs)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in configs.All())
        {
            counts[item.Key.Namespace] = counts.GetValueOrDefault(item.Key.Namespace) + 1;
        }

        return counts;
    }

    private static void WriteNamespace(Utf8JsonWriter w, NamespaceInfo ns, Dictionary<string, int> configCounts, bool withDescription)
    {
        var isPublic = ns.Id == ServiceKey.DefaultNamespace;
        w.WriteStartObject();
        w.WriteString("namespace", isPublic ? "" : ns.Id);
        w.WriteString("namespaceShowName", ns.Name);
        if (withDescription)
        {
            w.WriteString("namespaceDesc", ns.Description);
        }

        w.WriteNumber("quota", Quota);
        w.WriteNumber("configCount", configCounts.GetValueOrDefault(ns.Id));
        w.WriteNumber("type", isPublic ? 0 : 2);
        w.WriteEndObject();
    }
}
