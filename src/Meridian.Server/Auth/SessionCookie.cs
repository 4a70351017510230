using Meridian.Auth;

namespace Meridian.Server.Auth;

/// <summary>
/// The web console's session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
/// Secure when the request came over HTTPS, and scoped to the path the server is reached under (behind a prefix too).
/// </summary>
internal static class SessionCookie
{
    public static void Set(HttpContext http, string value) =>
        http.Response.Cookies.Append(BrowserSessions.CookieName, value, Options(http));

    public static void Clear(HttpContext http) =>
        http.Response.Cookies.Delete(BrowserSessions.CookieName, Options(http));

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = http.Request.PathBase.HasValue ? http.Request.PathBase.Value : "/",
        IsEssential = true,
    };
}
