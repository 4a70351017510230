using System.Net.Http.Json;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Api.Config;

/// <summary>The config API's wire shapes as a client sees them, and the calls the tests make.</summary>
public static class ConfigWire
{
    public sealed record ConfigDto(
        string Namespace, string Group, string DataId, string Content, string Md5, string Type, string AppName, List<string> Tags,
        string Description, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt, long Version, long Revision = 0);

    public sealed record ConfigSummaryDto(string Namespace, string Group, string DataId, string Md5, string Type, List<string> Tags, int Size, long Version);

    public sealed record ConfigPageDto(int Total, int PageNo, int PageSize, List<ConfigSummaryDto> Items);

    public sealed record HistoryEntryDto(long Version, string Operation, string Md5, string Type, string User, string SourceAddress, DateTimeOffset ChangedAt);

    public sealed record HistoryPageDto(int Total, int PageNo, int PageSize, List<HistoryEntryDto> Items);

    public sealed record VersionDto(long Version, string Operation, string Md5, string Content, string User);

    public sealed record DiffDto(long From, long To, bool Identical, string Unified);

    public sealed record ChangedDto(string Namespace, string Group, string DataId, string Md5);

    public sealed record ListenResponseDto(List<ChangedDto> Changed);

    public sealed record ListenerDto(string ClientId, string Address, string Md5, DateTimeOffset Since);

    public static string Path(string dataId, string ns = "public", string group = "DEFAULT_GROUP") =>
        $"/v1/namespaces/{ns}/groups/{group}/configs/{dataId}";

    public static Task<HttpResponseMessage> PutConfigAsync(this HttpClient client, string dataId, object body, string ns = "public", string group = "DEFAULT_GROUP") =>
        client.PutAsJsonAsync(Path(dataId, ns, group), body);

    public static async Task<ConfigDto> PublishAsync(this HttpClient client, string dataId, string content, string? type = null) =>
        await (await client.PutConfigAsync(dataId, new { content, type })).ReadAsync<ConfigDto>();

    public static Task<HttpResponseMessage> ListenAsync(this HttpClient client, object body, CancellationToken cancellationToken) =>
        client.PostAsJsonAsync("/v1/configs/listener", body, cancellationToken);
}
