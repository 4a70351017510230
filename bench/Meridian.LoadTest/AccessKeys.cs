using System.Globalization;
using System.Text.Json;

namespace Meridian.LoadTest;

/// <summary>
/// Logs in as the administrator (<c>POST /v1/auth/token</c>) and creates the access key every Meridian call of a run
/// carries (<c>POST /v1/auth/keys</c>: namespaces <c>*</c>, the scopes a run needs, expiring after a day).
/// </summary>
internal static class AccessKeys
{
    public static async Task<string> CreateAsync(Uri server, string user, string? password, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(password))
        {
            throw new InvalidOperationException(
                $"Set {Settings.PasswordVariable} to the password of '{user}' (the server's first start creates 'admin' with it); the bench scripts do.");
        }

        using var login = Http.Client(server, 1);
        var answer = await Http.SendAsync(login, HttpMethod.Post, "v1/auth/token",
            JsonSerializer.SerializeToUtf8Bytes(new TokenRequest(user, password), LoadTestJson.Default.TokenRequest), ct);
        string token;
        using (var doc = JsonDocument.Parse(answer))
        {
            token = doc.RootElement.GetProperty("accessToken").GetString() ?? throw new InvalidOperationException("The login answer has no accessToken.");
        }

        using var admin = Http.Client(server, 1, token);
        var name = string.Create(CultureInfo.InvariantCulture, $"loadtest-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        answer = await Http.SendAsync(admin, HttpMethod.Post, "v1/auth/keys", JsonSerializer.SerializeToUtf8Bytes(
            new KeyRequest(name, ["*"], ["discovery:read", "register", "config:read", "config:write"], DateTimeOffset.UtcNow.AddDays(1)),
            LoadTestJson.Default.KeyRequest), ct);
        using (var doc = JsonDocument.Parse(answer))
        {
            var key = doc.RootElement.GetProperty("key").GetString();
            return key is { Length: > 0 } ? key : throw new InvalidOperationException("The key answer has no key: " + Http.Utf8(answer));
        }
    }
}
