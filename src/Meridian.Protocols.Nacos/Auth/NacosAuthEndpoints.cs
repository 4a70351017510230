using Meridian.Auth;
using Meridian.Protocols.Nacos.Http;

namespace Meridian.Protocols.Nacos.Auth;

/// <summary>
/// <c>/nacos/v1/auth/login</c>, <c>/nacos/v1/auth/users/login</c> and (3.x) <c>/nacos/v3/auth/user/login</c>: Nacos clients log in with username and password
/// and send the <c>accessToken</c> with later calls. The password is checked like every other login (slow hash,
/// limited per user and address); <c>globalAdmin</c> is true only for administrators. Public on purpose.
/// </summary>
internal static class NacosAuthEndpoints
{
    public static void MapNacosAuthEndpoints(this RouteGroupBuilder nacos)
    {
        nacos.MapPost("/v1/auth/login", LoginAsync).AllowAnonymous();
        nacos.MapPost("/v1/auth/users/login", LoginAsync).AllowAnonymous();
        // Nacos 3.x clients log in here.
        nacos.MapPost("/v3/auth/user/login", LoginAsync).AllowAnonymous();
    }

    private static async Task<IResult> LoginAsync(HttpContext http, Credentials credentials, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var username = p.Required("username");
        var password = p.Required("password");
        var caller = await credentials.SignInAsync(username, password, http.Connection.RemoteIpAddress?.ToString() ?? "");
        var token = credentials.IssueToken(caller);
        http.Response.Headers.Authorization = "Bearer " + token.AccessToken;
        return NacosResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("accessToken", token.AccessToken);
            w.WriteNumber("tokenTtl", (long)token.ExpiresIn.TotalSeconds);
            w.WriteBoolean("globalAdmin", caller.IsAdmin);
            w.WriteString("username", caller.Name);
            w.WriteEndObject();
        });
    }
}
