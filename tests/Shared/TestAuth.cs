using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Meridian.Testing;

/// <summary>
/// How every test server runs: with auth on, the first administrator's password set through
/// <c>MERIDIAN_ADMIN_PASSWORD</c>, and clients that log in or hold an access key.
/// </summary>
public static class TestAuth
{
    public const string AdminPassword = "meridian-test-admin-1";

    /// <summary>
    /// One token key for every test server, as the nodes of a cluster share one: a token one test server issued is valid
    /// on the others (and after restarts). Tests of per-install keys start servers without it.
    /// </summary>
    public const string SigningKey = "8nKAKFIaO9w/BpCK2/kzhG10be39JgL5t1Iyu6OAr2vr9i0N6ci2CD3BDp4XdAJd3mgP/P/u3vFP8PoCtbFdtg==";

    /// <summary>The server argument that sets the first administrator's password (the variable, as configuration).</summary>
    public const string AdminPasswordArgument = "--MERIDIAN_ADMIN_PASSWORD=" + AdminPassword;

    public const string SigningKeyArgument = "--Meridian:Auth:TokenSigningKey=" + SigningKey;

    /// <summary>Logs in as the administrator and returns the bearer token.</summary>
    public static async Task<string> LoginAsync(HttpClient http, Uri server, CancellationToken cancellationToken, string username = "admin", string password = AdminPassword)
    {
        using var response = await http.PostAsJsonAsync(new Uri(server, "/v1/auth/token"), new { username, password }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Login as '{username}' failed: {(int)response.StatusCode} {body}");
        }

        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>An HttpClient for <paramref name="server"/> that sends <paramref name="credential"/> (a token or an access key).</summary>
    public static HttpClient ClientWith(Uri server, string credential, HttpMessageHandler? handler = null) => new(handler ?? new SocketsHttpHandler())
    {
        BaseAddress = server,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", credential) },
    };

    /// <summary>Creates an access key with the scopes given (by default everything a service does) and returns its secret.</summary>
    public static async Task<string> CreateKeyAsync(
        HttpClient admin, CancellationToken cancellationToken, string name = "test-app", string[]? namespaces = null, string[]? scopes = null)
    {
        using var response = await admin.PostAsJsonAsync("/v1/auth/keys", new
        {
            name,
            namespaces = namespaces ?? ["*"],
            scopes = scopes ?? ["discovery:read", "register", "config:read", "config:write"],
        }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating access key '{name}' failed: {(int)response.StatusCode} {body}");
        }

        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }
}
