using System.Net;
using System.Text.Json.Nodes;

namespace Meridian.Server.Tests.Protocols.Nacos;

/// <summary>Nacos v1 calls the way the npm and Java clients make them: parameters in the query, or in a form body.</summary>
internal static class NacosHttp
{
    public const string JavaClientAgent = "Nacos-Java-Client:v1.0.0";

    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(this HttpClient client, HttpMethod method, string path, string query, CancellationToken ct, string userAgent = JavaClientAgent)
    {
        using var request = new HttpRequestMessage(method, $"{path}?{query}");
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        using var response = await client.SendAsync(request, ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    public static async Task<(HttpStatusCode Status, string Body)> SendFormAsync(this HttpClient client, HttpMethod method, string path, IDictionary<string, string> form, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation("User-Agent", JavaClientAgent);
        using var response = await client.SendAsync(request, ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    public static async Task NacosRegisterAsync(this HttpClient client, string service, string ip, int port, CancellationToken ct, string extra = "")
    {
        var (status, body) = await client.SendAsync(HttpMethod.Post, "/nacos/v1/ns/instance",
            $"serviceName=DEFAULT_GROUP%40%40{service}&groupName=DEFAULT_GROUP&ip={ip}&port={port}{extra}", ct);
        Assert.True(status == HttpStatusCode.OK && body == "ok", $"register answered {(int)status}: {body}");
    }

    public static async Task<JsonObject> NacosListAsync(this HttpClient client, string service, CancellationToken ct, string extra = "")
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, "/nacos/v1/ns/instance/list", $"serviceName=DEFAULT_GROUP%40%40{service}{extra}", ct);
        Assert.True(status == HttpStatusCode.OK, $"list answered {(int)status}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
