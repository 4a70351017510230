using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using Meridian.Auth;
using Meridian.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Auth;

/// <summary>
/// The one place a request's credentials are read, for every protocol: <c>Authorization: Bearer</c> (a token or an
/// access key), <c>Authorization: Basic</c> (user and password, or any name and an access key: Eureka clients put them in
/// the service URL), and on Nacos routes the <c>accessToken</c> or <c>username</c>/<c>password</c> parameters its
/// clients send. No other header ever names a caller. In Dev mode a request without credentials that arrives on
/// loopback from loopback is an anonymous administrator.
/// </summary>
internal sealed class MeridianAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    Credentials credentials,
    IOptions<AuthOptions> auth,
    BrowserSessions sessions,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "Meridian";
    private static readonly Caller Anonymous = new("anonymous", CallerKind.Anonymous, isAdmin: true, []);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var address = Context.Connection.RemoteIpAddress is { } remote ? (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString() : "";
        try
        {
            var caller = await ReadAsync(address);
            if (caller is not null)
            {
                return AuthenticateResult.Success(new AuthenticationTicket(new CallerPrincipal(caller, SchemeName), SchemeName));
            }
        }
        catch (MeridianException e) when (e is UnauthenticatedException or TooManyRequestsException)
        {
            Context.Items[typeof(MeridianAuthenticationHandler)] = e;
            return AuthenticateResult.Fail(e.Message);
        }

        if (auth.Value.Mode == AuthMode.Dev && IsLoopback(Context.Connection.LocalIpAddress) && IsLoopback(Context.Connection.RemoteIpAddress))
        {
            return AuthenticateResult.Success(new AuthenticationTicket(new CallerPrincipal(Anonymous.From(address), SchemeName), SchemeName));
        }

        return AuthenticateResult.NoResult();
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Items[typeof(MeridianAuthenticationHandler)] as MeridianException;
        if (failure is TooManyRequestsException limited)
        {
            Response.Headers.RetryAfter = ((int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteAsync(StatusCodes.Status429TooManyRequests, "Too many login attempts.", limited.Message);
            return;
        }

        Response.Headers.WWWAuthenticate = Request.Path.StartsWithSegments("/eureka") ? "Basic realm=\"meridian\"" : "Bearer realm=\"meridian\"";
        await WriteAsync(StatusCodes.Status401Unauthorized, "Authentication required.", failure?.Message is { } message
            ? $"{message} Log in again (POST /v1/auth/token) or check the access key."
            : "Send 'Authorization: Bearer <token or access key>' (a token from POST /v1/auth/token, an access key from POST /v1/auth/keys); Nacos clients send username and password, Eureka clients put user:password in the service URL.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteAsync(StatusCodes.Status403Forbidden, "Forbidden.", "The caller may not use this endpoint; ask an administrator for the permission.");

    private Task WriteAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    private async ValueTask<Caller?> ReadAsync(string address)
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return await credentials.AuthenticateBearerAsync(header[7..].Trim(), address)
                ?? throw new UnauthenticatedException("The bearer token or access key is not valid (wrong, expired, revoked, or from another server).");
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var (user, password) = DecodeBasic(header[6..].Trim());
            if (password.StartsWith(AuthDirectory.KeyPrefix, StringComparison.Ordinal))
            {
                return await credentials.AuthenticateBearerAsync(password, address)
                    ?? throw new UnauthenticatedException("The access key is not valid (wrong, expired or revoked).");
            }

            return await credentials.SignInAsync(user, password, address);
        }

        if (header.Length > 0)
        {
            throw new UnauthenticatedException("The Authorization header must be 'Bearer <token or access key>' or 'Basic <user:password>'.");
        }

        if (Request.Path.StartsWithSegments("/nacos"))
        {
            return await ReadNacosAsync(address);
        }

        return Request.Cookies[BrowserSessions.CookieName] is { Length: > 0 } cookie ? await ReadSessionAsync(cookie, address) : null;
    }

    /// <summary>
    /// The web console's session cookie. A write made with it must carry the session's antiforgery token in
    /// <see cref="BrowserSessions.AntiforgeryHeader"/>: another site can make a browser send the cookie, not the header.
    /// Each request renews the cookie's idle timeout, except the change stream's, which is open without anyone acting.
    /// </summary>
    private async ValueTask<Caller?> ReadSessionAsync(string cookie, string address)
    {
        var renew = !Request.Path.StartsWithSegments("/v1/events");
        var check = await sessions.ValidateAsync(cookie, address, renew);
        if (check is null)
        {
            SessionCookie.Clear(Context);
            throw new UnauthenticatedException("The console session has ended (logged out, idle too long, or the password changed); log in again (POST /v1/auth/session).");
        }

        if (!HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method) && !HttpMethods.IsOptions(Request.Method)
            && !sessions.IsAntiforgeryValid(check.Session, Request.Headers[BrowserSessions.AntiforgeryHeader]))
        {
            throw new UnauthenticatedException($"A write made with the console's session cookie must carry its antiforgery token in the {BrowserSessions.AntiforgeryHeader} header (GET /v1/auth/session gives it).");
        }

        if (check.Renewed is { } renewed)
        {
            SessionCookie.Set(Context, renewed);
        }

        Context.Items[typeof(BrowserSession)] = check.Session;
        return check.Caller;
    }

    /// <summary>Nacos clients send <c>accessToken</c>, or <c>username</c> and <c>password</c>, in the query or the form.</summary>
    private async ValueTask<Caller?> ReadNacosAsync(string address)
    {
        IFormCollection? form = null;
        if (Request.HasFormContentType)
        {
            try
            {
                form = await Request.ReadFormAsync(Context.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
            {
                // An unreadable form carries no credentials; the endpoint reports what is wrong with it.
            }
        }

        string? Get(string name) => Request.Query[name] is { Count: > 0 } q ? q.ToString() : form?[name] is { Count: > 0 } f ? f.ToString() : null;

        if (Get("accessToken") is { Length: > 0 } token)
        {
            return await credentials.AuthenticateBearerAsync(token, address)
                ?? throw new UnauthenticatedException("The accessToken is not valid (expired, or from another server).");
        }

        return Get("username") is { Length: > 0 } user && Get("password") is { } password
            ? await credentials.SignInAsync(user, password, address)
            : null;
    }

    private static (string User, string Password) DecodeBasic(string value)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(value));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                return (text[..colon], text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
        }

        throw new UnauthenticatedException("The Basic credentials must be base64 of 'user:password'.");
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);
}
