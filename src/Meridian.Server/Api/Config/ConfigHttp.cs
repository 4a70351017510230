using System.Net;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Validation;
using Microsoft.AspNetCore.Http.Metadata;

namespace Meridian.Server.Api.Config;

/// <summary>What the config endpoints share: key and paging checks, who is asking, and how content goes on the wire.</summary>
internal static class ConfigHttp
{
    public const int MaxPageSize = 1000;

    public static ConfigKey Key(string ns, string group, string dataId)
    {
        var key = new ConfigKey(ns, group, dataId);
        ConfigRules.ThrowIfInvalid(key);
        return key;
    }

    public static (int PageNo, int PageSize) Paging(ValidationErrors errors, int? pageNo, int? pageSize, int defaultSize)
    {
        var page = pageNo ?? 1;
        var size = pageSize ?? defaultSize;
        if (page < 1)
        {
            errors.Add("pageNo", $"'pageNo' starts at 1; got {page}.");
        }

        if (size is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"'pageSize' must be between 1 and {MaxPageSize}; got {size}.");
        }

        return (page, size);
    }

    /// <summary>A search pattern is a name in which <c>*</c> may stand for any run of characters.</summary>
    public static void Pattern(ValidationErrors errors, string field, string? pattern)
    {
        if (!string.IsNullOrEmpty(pattern) && pattern.Replace("*", "", StringComparison.Ordinal) is { Length: > 0 } literal)
        {
            var probe = new ValidationErrors();
            Rules.Name(probe, field, literal);
            if (!probe.IsEmpty || pattern.Length > Rules.MaxNameLength)
            {
                errors.Add(field, $"'{field}' may hold letters, digits, '-', '.', '_', ':' and '*' (any run of characters), at most {Rules.MaxNameLength} in all.");
            }
        }
    }

    /// <summary>The authenticated caller, as history records the author: never a name the client supplies.</summary>
    public static Caller Author(HttpContext http) => Caller.Of(http.User);

    /// <summary>ip:port, which tells two clients on one host apart.</summary>
    public static string Endpoint(HttpContext http) => $"{Ip(http.Connection.RemoteIpAddress)}:{http.Connection.RemotePort}";

    public static string ETag(ConfigItem item) => "\"" + item.Md5 + "\"";

    /// <summary>If-None-Match names this version (or <c>*</c>); weak tags compare equal, as RFC 9110 says for this header.</summary>
    public static bool NotModified(HttpRequest request, string etag)
    {
        foreach (var value in request.Headers.IfNoneMatch)
        {
            if (value is not null && (value.AsSpan().Trim() is "*" || value.Contains(etag, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    public static string ContentType(ConfigType type) => type switch
    {
        ConfigType.Json => "application/json; charset=utf-8",
        ConfigType.Yaml => "application/yaml; charset=utf-8",
        ConfigType.Xml => "application/xml; charset=utf-8",
        ConfigType.Html => "text/html; charset=utf-8",
        ConfigType.Toml => "application/toml; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    public static ConfigType? Type(ValidationErrors errors, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        if (ConfigTypes.TryParse(name, out var type))
        {
            return type;
        }

        errors.Add("type", $"'type' must be one of {string.Join(", ", ConfigTypes.Names)}; got '{name}'.");
        return null;
    }

    private static string Ip(IPAddress? ip) => ip is null ? "" : (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
}

/// <summary>Raises or lowers Kestrel's body limit for one endpoint.</summary>
internal sealed class BodySizeLimit(long bytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize => bytes;
}
