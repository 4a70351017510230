using System.Net;
using System.Net.Http.Json;
using Meridian.Testing;

namespace Meridian.Server.Tests.Infrastructure;

/// <summary>Users with narrow rights, made through the API by the administrator, each step's status checked.</summary>
public static class Users
{
    /// <summary>Creates a role from <paramref name="grants"/> and a user holding it, logs the user in and returns a client for it.</summary>
    public static async Task<HttpClient> CreateAsync(TestServer server, string username, object[] grants, CancellationToken ct)
    {
        var role = $"{username}-role";
        using (var put = await server.Client.PutAsJsonAsync($"/v1/auth/roles/{role}", new { grants }, ct))
        {
            Assert.True(put.StatusCode == HttpStatusCode.OK, $"role {role}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(ct)}");
        }

        var password = $"{username}-password-1";
        using (var created = await server.Client.PostAsJsonAsync("/v1/auth/users", new { username, password, roles = new[] { role } }, ct))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"user {username}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(ct)}");
        }

        using var login = new HttpClient();
        return TestAuth.ClientWith(server.BaseAddress, await TestAuth.LoginAsync(login, server.BaseAddress, ct, username, password));
    }

    public static async Task CreateNamespaceAsync(TestServer server, string id, CancellationToken ct)
    {
        using var response = await server.Client.PostAsJsonAsync("/v1/namespaces", new { id, name = id, description = "" }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"namespace {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }
}
