using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Aspire.Hosting;

/// <summary>Creates an access key for one project through the server's own API, as an operator would.</summary>
internal static class MeridianAccessKeys
{
    public static async Task<string> CreateAsync(Uri server, string password, string name, IReadOnlyList<string> namespaces, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        using var login = await http.PostAsJsonAsync("v1/auth/token", new { username = "admin", password }, cancellationToken);
        var token = (await ReadAsync(login, "log in as admin", cancellationToken)).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // A key per start: the name says which project holds it; earlier ones stay until revoked (meridian key revoke).
        using var created = await http.PostAsJsonAsync("v1/auth/keys", new
        {
            name = $"aspire-{name}",
            namespaces,
            scopes = new[] { "discovery:read", "register", "config:read" },
        }, cancellationToken);
        return (await ReadAsync(created, $"create an access key for '{name}'", cancellationToken)).GetProperty("key").GetString()
            ?? throw new InvalidOperationException($"The Meridian server at {server} created no key for '{name}'.");
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Could not {what} on the Meridian server ({(int)response.StatusCode}): {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
