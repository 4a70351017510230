using System.Security.Claims;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Namespaces;
using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Api.Config;

internal static class ConfigEndpoints
{
    /// <summary>Room for the JSON around the content: field names, metadata, tags, description.</summary>
    private const int EnvelopeBytes = 16 * 1024;

    public static void MapConfigEndpoints(this RouteGroupBuilder api)
    {
        var options = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<ConfigOptions>>().Value;
        var group = api.MapGroup("/namespaces/{ns}").WithTags("Configs");

        group.MapGet("/configs", Search)
            .WithSummary("Searches a namespace's configs with paging: 'dataId' and 'group' match exactly or with '*' wildcards, " +
                         "'tags' (comma-separated) must all be present, 'contentContains' matches ignoring case. Content is not included.");

        group.MapConfigTransferEndpoints(options);

        var config = group.MapGroup("/groups/{group}/configs/{dataId}");

        config.MapGet("/", Get)
            .WithSummary("Reads a config. By default the raw content with its type's Content-Type and ETag \"md5\" (304 when If-None-Match " +
                         "matches); with ?format=json the content and its metadata (md5, type, version, times, tags) as JSON.");

        // JSON escaping can double the content's size (newlines, quotes, \\u-escaped non-ASCII), hence twice the limit.
        config.MapPut("/", Publish)
            .WithMetadata(new BodySizeLimit(2L * options.MaxContentBytes + EnvelopeBytes))
            .Produces<ConfigResponse>(StatusCodes.Status201Created)
            .Produces<ConfigResponse>(StatusCodes.Status200OK)
            .WithSummary("Creates (201) or updates (200) a config. 'expectedMd5' makes it a compare-and-set: 409 unless it is the current md5 " +
                         "(\"\" = only if absent), 'expectedVersion' one on the version read. Typed content (json, yaml, properties, xml, toml) is parsed first: 400 names line and column.");

        config.MapDelete("/", Delete)
            .WithSummary("Deletes a config; the deletion and the deleted content stay in its history.");

        config.MapConfigHistoryEndpoints();
        api.MapConfigListenerEndpoints();
        api.MapConfigCheckEndpoints();
    }

    private static ConfigPageResponse Search(string ns, string? dataId, string? group, string? tags, string? contentContains, int? pageNo,
        int? pageSize, ClaimsPrincipal user, NamespaceCatalog catalog, ConfigProjection configs)
    {
        var errors = new ValidationErrors();
        Rules.Name(errors, "namespace", ns);
        ConfigHttp.Pattern(errors, "dataId", dataId);
        ConfigHttp.Pattern(errors, "group", group);
        var (page, size) = ConfigHttp.Paging(errors, pageNo, pageSize, defaultSize: 100);
        var tagList = string.IsNullOrWhiteSpace(tags) ? null : tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (contentContains is { Length: > Rules.MaxNameLength * 4 })
        {
            errors.Add("contentContains", $"'contentContains' must be at most {Rules.MaxNameLength * 4} characters.");
        }

        errors.ThrowIfAny();
        catalog.RequireExisting(ns);
        var result = configs.Search(new ConfigQuery(ns, dataId, group, tagList, contentContains, page, size), Caller.Of(user));
        return new ConfigPageResponse(result.Total, page, size, [.. result.Items.Select(ConfigSummaryResponse.From)]);
    }

    private static IResult Get(string ns, string group, string dataId, string? format, HttpContext http, ConfigProjection configs)
    {
        var json = format switch
        {
            null or "" or "raw" => false,
            "json" => true,
            _ => throw InvalidInputException.For("format", $"'format' is 'raw' (the default: the content as it is) or 'json'; got '{format}'."),
        };
        var item = configs.Require(ConfigHttp.Key(ns, group, dataId), Caller.Of(http.User));
        var etag = ConfigHttp.ETag(item);
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "no-cache";
        if (ConfigHttp.NotModified(http.Request, etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return json ? TypedResults.Ok(ConfigResponse.From(item)) : Results.Bytes(item.Utf8Content, ConfigHttp.ContentType(item.Type));
    }

    private static async Task<IResult> Publish(string ns, string group, string dataId, ConfigPublishRequest request, HttpContext http,
        ConfigService configCommands, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var key = new ConfigKey(ns, group, dataId);
        ConfigRules.Key(errors, key);
        var type = ConfigHttp.Type(errors, request.Type);
        errors.ThrowIfAny();

        var draft = new ConfigDraft(request.Content ?? "", type, request.AppName, request.Tags, request.Description, request.ExpectedMd5, request.ExpectedVersion);
        var published = await configCommands.PublishConfigAsync(key, draft, ConfigHttp.Author(http), ct);
        var item = published.Item;
        http.Response.Headers.ETag = ConfigHttp.ETag(item);
        return published.Created
            ? TypedResults.Created(
                $"/v1/namespaces/{Uri.EscapeDataString(ns)}/groups/{Uri.EscapeDataString(group)}/configs/{Uri.EscapeDataString(dataId)}",
                ConfigResponse.From(item))
            : TypedResults.Ok(ConfigResponse.From(item));
    }

    private static async Task<IResult> Delete(string ns, string group, string dataId, HttpContext http, ConfigService configCommands, CancellationToken ct)
    {
        await configCommands.DeleteAsync(ConfigHttp.Key(ns, group, dataId), ConfigHttp.Author(http), ct);
        return Results.NoContent();
    }
}
