using System.Net;
using System.Net.Http.Json;

namespace Meridian.Server.Tests.Infrastructure;

public static class HttpExtensions
{
    /// <summary>Reads the body after checking the status: <paramref name="expected"/>, or when none is given 200 or 201 (a read, an update or a create).</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode? expected = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        var ok = expected is { } status ? response.StatusCode == status : response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created;
        Assert.True(ok, $"expected {(expected is { } e ? ((int)e).ToString(System.Globalization.CultureInfo.InvariantCulture) : "200 or 201")}, got {(int)response.StatusCode}: {body}");
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
