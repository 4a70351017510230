using System.Net;
using System.Net.Http.Json;

namespace Meridian.Server.Tests.Infrastructure;

public static class HttpExtensions
{
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(body, Wire.Json)!;
    }

    public static async Task<Wire.ProblemDto> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadAsync<Wire.ProblemDto>(expected);
    }

    public static Task<HttpResponseMessage> RegisterAsync(this HttpClient client, string service, object body, string ns = "public", string group = "DEFAULT_GROUP") =>
        client.PostAsJsonAsync(Paths.Instances(service, ns, group), body);

    public static async Task<Wire.InstanceListDto> ListAsync(this HttpClient client, string service, string query = "", string ns = "public", string group = "DEFAULT_GROUP") =>
        await (await client.GetAsync(Paths.Instances(service, ns, group) + query)).ReadAsync<Wire.InstanceListDto>();
}
