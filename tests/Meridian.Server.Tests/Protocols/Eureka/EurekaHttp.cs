using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Meridian.Server.Tests.Protocols.Eureka;

/// <summary>Eureka REST calls with the bodies and headers Eureka clients send.</summary>
internal static class EurekaHttp
{
    public static string InstanceJson(string app, string id, string ip = "127.0.0.1", int port = 8080, string status = "UP", string extra = "") => $$$"""
        {"instance":{"instanceId":"{{{id}}}","hostName":"{{{id}}}.local","app":"{{{app}}}","ipAddr":"{{{ip}}}","status":"{{{status}}}",
         "port":{"$":{{{port}}},"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},"vipAddress":"{{{app.ToLowerInvariant()}}}",
         "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}{{{extra}}}}}
        """;

    public static async Task<HttpStatusCode> EurekaRegisterAsync(this HttpClient client, string app, string json, CancellationToken ct, string prefix = "/eureka/apps/")
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(prefix + app, content, ct);
        return response.StatusCode;
    }

    public static async Task<(HttpStatusCode Status, string Body, string? ContentType)> EurekaGetAsync(this HttpClient client, string path, CancellationToken ct, string? accept = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await client.SendAsync(request, ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(ct), response.Content.Headers.ContentType?.MediaType);
    }

    public static async Task<JsonObject> EurekaAppsAsync(this HttpClient client, CancellationToken ct, string path = "/eureka/apps/")
    {
        var (status, body, _) = await client.EurekaGetAsync(path, ct);
        Assert.True(status == HttpStatusCode.OK, $"{path} answered {(int)status}: {body}");
        return JsonNode.Parse(body)!["applications"]!.AsObject();
    }

    public static async Task<HttpStatusCode> SendAsync(this HttpClient client, HttpMethod method, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await client.SendAsync(request, ct);
        return response.StatusCode;
    }

    public static IEnumerable<JsonNode> Instances(this JsonObject applications) =>
        applications["application"]!.AsArray().SelectMany(a => a!["instance"]!.AsArray()).Select(i => i!);

    public static XElement Xml(string body) => XElement.Parse(body);
}
