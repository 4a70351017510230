using System.Globalization;
using System.Text.Json;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Config.Listening;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Protocols.Nacos.Http;
using Meridian.Protocols.Nacos.Naming;
using Meridian.Validation;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Meridian.Protocols.Nacos.Config;

/// <summary>
/// <c>/nacos/v1/cs/configs</c> and the long-poll listener (Nacos' ConfigController and ConfigServletInner). Content goes
/// out byte-exact as stored, with the MD5 of those bytes, so a client's MD5 of what it read always matches the
/// server's and its listener does not spin.
/// </summary>
internal static class NacosConfigEndpoints
{
    private const int ShortestNacosHold = 10_000;

    public static void MapNacosConfigEndpoints(this RouteGroupBuilder cs)
    {
        cs.MapGet("/configs", GetAsync);
        cs.MapPost("/configs", PublishAsync);
        cs.MapDelete("/configs", DeleteAsync);
        cs.MapPost("/configs/listener", ListenAsync);
    }

    private static async Task<IResult> GetAsync(HttpContext http, ConfigProjection configs, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        if (p.Get("search") is { Length: > 0 } mode)
        {
            return Search(p, configs, mode, Caller.Of(http.User));
        }

        var key = Key(p);
        var item = configs.Get(key, Caller.Of(http.User));
        if (item is null)
        {
            return NacosResults.Text("config data not exist\n", StatusCodes.Status404NotFound);
        }

        if (p.Get("show") == "all")
        {
            return NacosResults.Json(w => WriteAllInfo(w, item));
        }

        var headers = http.Response.Headers;
        headers["Content-MD5"] = item.Md5;
        headers["Config-Type"] = ConfigTypes.Name(item.Type);
        headers.LastModified = item.ModifiedAt.ToString("R", CultureInfo.InvariantCulture);
        NoCache(http.Response);
        return Results.Bytes(item.Utf8Content, ContentType(item.Type));
    }

    private static async Task<IResult> PublishAsync(HttpContext http, ConfigProjection configs, ConfigService configCommands, NamespaceCommands namespaces, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = Key(p);
        var content = p.Get("content");
        if (string.IsNullOrWhiteSpace(content))
        {
            throw new NacosException(StatusCodes.Status400BadRequest, "caused: content is blank : ;");
        }

        ConfigRules.ThrowIfInvalid(key);
        await namespaces.EnsureAsync(key.Namespace, Caller.Of(http.User), ct);
        var draft = new ConfigDraft(
            content,
            Type(p.Get("type"), configs.Get(key)),
            p.Get("appName"),
            p.Get("config_tags") is { } tags ? tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
            p.Get("desc"));
        // History names the authenticated caller; a client-supplied src_user is never trusted.
        await configCommands.PublishAsync(key, draft, Caller.Of(http.User), ct);
        return NacosResults.True;
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, ConfigService configCommands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = Key(p);
        try
        {
            await configCommands.DeleteAsync(key, Caller.Of(http.User), ct);
        }
        catch (NotFoundException)
        {
            // Nacos answers true for a config that was never there.
        }

        return NacosResults.True;
    }

    /// <summary>
    /// Answers at once with the configs whose MD5 differs from the client's; otherwise holds the request (Nacos:
    /// <c>max(10 s, Long-Pulling-Timeout − 500 ms)</c>) and answers the moment one of them changes, or empty at the end.
    /// </summary>
    private static async Task<IResult> ListenAsync(
        HttpContext http,
        ConfigListeners listeners,
        IOptions<ConfigOptions> configOptions,
        CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var entries = NacosListeningConfigs.Parse(p.Get("Listening-Configs"), configOptions.Value.MaxListenedConfigs);
        var hold = HoldTime(http.Request, listeners);
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "";
        var clientId = $"nacos:{address}:{http.Connection.RemotePort.ToString(CultureInfo.InvariantCulture)}";
        var changed = await listeners.WaitAsync([.. entries.Select(e => e.Config)], hold, clientId, address, Caller.Of(http.User), ct);

        NoCache(http.Response);
        if (changed.Count == 0)
        {
            return Results.Text("", NacosResults.TextContentType);
        }

        var changedKeys = changed.Select(c => c.Key).ToHashSet();
        return Results.Text(NacosListeningConfigs.Answer(entries.Where(e => changedKeys.Contains(e.Config.Key))) + "\n", NacosResults.TextContentType);
    }

    private static TimeSpan HoldTime(HttpRequest request, ConfigListeners listeners)
    {
        var header = request.Headers["Long-Pulling-Timeout"].ToString();
        if (!long.TryParse(header, NumberStyles.Integer, CultureInfo.InvariantCulture, out var timeout) ||
            string.Equals(request.Headers["Long-Pulling-Timeout-No-Hangup"].ToString(), "true", StringComparison.OrdinalIgnoreCase))
        {
            // A short poll: the answer is whatever differs right now.
            return TimeSpan.Zero;
        }

        return listeners.HoldFor(TimeSpan.FromMilliseconds(Math.Max(ShortestNacosHold, timeout - 500)));
    }

    private static IResult Search(NacosParameters p, ConfigProjection configs, string mode, Caller caller)
    {
        var pageNo = Math.Max(1, p.Int("pageNo") ?? 1);
        var pageSize = Math.Clamp(p.Int("pageSize") ?? 10, 1, 500);
        var blur = string.Equals(mode, "blur", StringComparison.OrdinalIgnoreCase);
        var dataId = p.Get("dataId") ?? "";
        var group = p.Get("group") ?? "";
        var page = configs.Search(new ConfigQuery(
            NacosNamespace.Tenant(p.Get("tenant")),
            blur && dataId.Length > 0 && !dataId.Contains('*', StringComparison.Ordinal) ? $"*{dataId}*" : dataId,
            blur && group.Length > 0 && !group.Contains('*', StringComparison.Ordinal) ? $"*{group}*" : group,
            PageNo: pageNo,
            PageSize: pageSize), caller);

        return NacosResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("totalCount", page.Total);
            w.WriteNumber("pageNumber", pageNo);
            w.WriteNumber("pagesAvailable", (page.Total + pageSize - 1) / pageSize);
            w.WriteStartArray("pageItems");
            foreach (var item in page.Items)
            {
                w.WriteStartObject();
                w.WriteString("id", item.Version.ToString(CultureInfo.InvariantCulture));
                w.WriteString("dataId", item.Key.DataId);
                w.WriteString("group", item.Key.Group);
                w.WriteString("content", item.Utf8Content.Span);
                w.WriteString("md5", item.Md5);
                w.WriteString("tenant", Tenant(item.Key.Namespace));
                w.WriteString("appName", item.AppName);
                w.WriteString("type", ConfigTypes.Name(item.Type));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteAllInfo(Utf8JsonWriter w, ConfigItem item)
    {
        w.WriteStartObject();
        w.WriteString("id", item.Version.ToString(CultureInfo.InvariantCulture));
        w.WriteString("dataId", item.Key.DataId);
        w.WriteString("group", item.Key.Group);
        w.WriteString("content", item.Utf8Content.Span);
        w.WriteString("md5", item.Md5);
        w.WriteString("tenant", Tenant(item.Key.Namespace));
        w.WriteString("appName", item.AppName);
        w.WriteString("type", ConfigTypes.Name(item.Type));
        w.WriteNumber("createTime", item.CreatedAt.ToUnixTimeMilliseconds());
        w.WriteNumber("modifyTime", item.ModifiedAt.ToUnixTimeMilliseconds());
        w.WriteString("desc", item.Description);
        w.WriteString("configTags", string.Join(',', item.Tags));
        w.WriteEndObject();
    }

    /// <summary>The config type to store: the one given if Meridian knows it; otherwise the current one, or text as Nacos does.</summary>
    private static ConfigType? Type(string? given, ConfigItem? current)
    {
        if (ConfigTypes.TryParse(given, out var type))
        {
            return type;
        }

        return string.IsNullOrWhiteSpace(given) && current is not null ? null : ConfigType.Text;
    }

    internal static ConfigKey Key(NacosParameters p)
    {
        var dataId = p.Get("dataId");
        var group = p.Get("group");
        if (string.IsNullOrWhiteSpace(dataId))
        {
            throw new NacosException(StatusCodes.Status400BadRequest, "Parameter 'dataId' is missing");
        }

        return new ConfigKey(NacosNamespace.Tenant(p.Get("tenant")), string.IsNullOrWhiteSpace(group) ? ConfigKey.DefaultGroup : group, dataId);
    }

    internal static string Tenant(string ns) => ns == ServiceKey.DefaultNamespace ? "" : ns;

    private static string ContentType(ConfigType type) => type switch
    {
        ConfigType.Json => "application/json;charset=UTF-8",
        ConfigType.Xml => "application/xml;charset=UTF-8",
        ConfigType.Html => "text/html;charset=UTF-8",
        _ => "text/plain;charset=UTF-8",
    };

    private static void NoCache(HttpResponse response)
    {
        response.Headers.Pragma = "no-cache";
        response.Headers.Expires = "Thu, 01 Jan 1970 00:00:00 GMT";
        response.Headers.CacheControl = "no-cache,no-store";
    }
}
