using System.Globalization;
using System.Text.Json.Nodes;
using Meridian.Cli.Connection;

namespace Meridian.Cli.Configs;

/// <summary>Every config of a namespace that matches, page after page of the search endpoint (content not included).</summary>
internal static class ConfigSearch
{
    private const int PageSize = 500;

    public static async Task<List<JsonNode>> AllAsync(MeridianApi api, string ns, string? group, string? dataId, CancellationToken ct)
    {
        var items = new List<JsonNode>();
        for (var page = 1; ; page++)
        {
            var query = $"?pageNo={page.ToString(CultureInfo.InvariantCulture)}&pageSize={PageSize.ToString(CultureInfo.InvariantCulture)}"
                + (group is { Length: > 0 } ? "&group=" + Uri.EscapeDataString(group) : "")
                + (dataId is { Length: > 0 } ? "&dataId=" + Uri.EscapeDataString(dataId) : "");
            var result = await api.GetAsync($"v1/namespaces/{MeridianApi.Path(ns)}/configs{query}", ct);
            var batch = result!["items"]!.AsArray();
            items.AddRange(batch.Select(i => i!.DeepClone()));
            if (batch.Count < PageSize || items.Count >= result["total"]!.GetValue<int>())
            {
                return items;
            }
        }
    }
}
