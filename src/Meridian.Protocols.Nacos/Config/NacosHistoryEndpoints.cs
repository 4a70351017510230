using System.Globalization;
using System.Text.Json;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Protocols.Nacos.Http;

namespace Meridian.Protocols.Nacos.Config;

/// <summary>
/// <c>/nacos/v1/cs/history</c> (Nacos' HistoryController). A history item's <c>id</c> is the config's version number,
/// so <c>nid</c> and <c>previous</c> need the dataId and group too, as Nacos requires since 2.0.3.
/// </summary>
internal static class NacosHistoryEndpoints
{
    public static void MapNacosHistoryEndpoints(this RouteGroupBuilder cs)
    {
        cs.MapGet("/history", GetAsync);
        cs.MapGet("/history/previous", PreviousAsync);
    }

    private static async Task<IResult> GetAsync(HttpContext http, ConfigService configs, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosConfigEndpoints.Key(p);
        if (p.Get("nid") is { Length: > 0 } nid)
        {
            var record = await configs.GetVersionAsync(key, Version(nid, "nid"), Caller.Of(http.User), ct);
            return NacosResults.Json(w => WriteItem(w, record.Entry, record, previousVersion: null));
        }

        var pageNo = Math.Max(1, p.Int("pageNo") ?? 1);
        var pageSize = Math.Clamp(p.Int("pageSize") ?? 100, 1, 500);
        var page = await configs.ListHistoryAsync(key, pageNo, pageSize, Caller.Of(http.User), ct);
        return NacosResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("totalCount", page.Total);
            w.WriteNumber("pageNumber", pageNo);
            w.WriteNumber("pagesAvailable", (page.Total + pageSize - 1) / pageSize);
            w.WriteStartArray("pageItems");
            foreach (var entry in page.Items)
            {
                WriteItem(w, entry, record: null, previousVersion: null);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> PreviousAsync(HttpContext http, ConfigService configs, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosConfigEndpoints.Key(p);
        var version = Version(p.Required("id"), "id");
        var record = await configs.GetVersionAsync(key, version - 1, Caller.Of(http.User), ct);
        return NacosResults.Json(w => WriteItem(w, record.Entry, record, previousVersion: null));
    }

    private static void WriteItem(Utf8JsonWriter w, ConfigHistoryEntry entry, ConfigHistoryRecord? record, long? previousVersion)
    {
        w.WriteStartObject();
        w.WriteString("id", entry.Version.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("lastId", previousVersion ?? -1);
        w.WriteString("dataId", entry.Key.DataId);
        w.WriteString("group", entry.Key.Group);
        w.WriteString("tenant", NacosConfigEndpoints.Tenant(entry.Key.Namespace));
        w.WriteString("appName", record?.AppName ?? "");
        w.WriteString("md5", entry.Md5);
        if (record is null)
        {
            w.WriteNull("content");
        }
        else
        {
            w.WriteString("content", record.Content);
        }

        w.WriteString("srcIp", entry.SourceAddress);
        w.WriteString("srcUser", entry.User);

        // Nacos' op_type column is CHAR(10), so the letter arrives blank-padded.
        w.WriteString("opType", OpType(entry).PadRight(10));
        w.WriteNumber("createdTime", entry.ChangedAt.ToUnixTimeMilliseconds());
        w.WriteNumber("lastModifiedTime", entry.ChangedAt.ToUnixTimeMilliseconds());
        w.WriteEndObject();
    }

    private static string OpType(ConfigHistoryEntry entry) => entry.Operation switch
    {
        ConfigOperation.Delete => "D",
        ConfigOperation.Publish when entry.Version == 1 => "I",
        _ => "U",
    };

    private static long Version(string text, string name) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw NacosException.BadParameter(name, text, "a history id (a positive whole number) is expected.");
}
