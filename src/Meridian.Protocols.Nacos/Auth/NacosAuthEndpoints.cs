using System.Security.Cryptography;
using Meridian.Protocols.Nacos.Http;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Nacos.Auth;

/// <summary>
/// <c>/nacos/v1/auth/login</c>: clients log in before their first call when given credentials. Authorisation is the
/// server's "Meridian.Api" policy, which every Nacos endpoint passes through; while that policy admits everyone, any
/// credentials get a token, as with Nacos' auth switched off.
/// </summary>
internal static class NacosAuthEndpoints
{
    public static void MapNacosAuthEndpoints(this RouteGroupBuilder nacos)
    {
        nacos.MapPost("/v1/auth/login", LoginAsync);
        nacos.MapPost("/v1/auth/users/login", LoginAsync);
    }

    private static async Task<IResult> LoginAsync(HttpContext http, IOptions<NacosOptions> options, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var username = p.Required("username");
        p.Required("password");
        var token = Base64UrlToken();
        http.Response.Headers.Authorization = "Bearer " + token;
        return NacosResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("accessToken", token);
            w.WriteNumber("tokenTtl", (long)options.Value.TokenTtl.TotalSeconds);
            w.WriteBoolean("globalAdmin", true);
            w.WriteString("username", username);
            w.WriteEndObject();
        });
    }

    private static string Base64UrlToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
