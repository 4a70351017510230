using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Meridian.LoadTest;

/// <summary>HTTP/1.1 plumbing: a pooled client per connection budget, and requests whose bodies are prepared bytes.</summary>
internal static class Http
{
    /// <param name="bearer">Sent as <c>Authorization: Bearer</c> on every request of the client (a token or an access key), when given.</param>
    public static HttpClient Client(Uri baseAddress, int connections, string? bearer = null)
    {
        var client = Unauthenticated(baseAddress, connections);
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    private static HttpClient Unauthenticated(Uri baseAddress, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(30),
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(150),
        DefaultRequestVersion = HttpVersion.Version11,
    };

    public static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Sends and reads the whole body, as a real client would; a non-success status is an error.</summary>
    public static async Task<byte[]> SendAsync(HttpClient client, HttpMethod method, string path, byte[]? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{method} {path} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}", null, response.StatusCode);
        }

        return bytes;
    }
}
