using Meridian.Auth;
using Meridian.Server.Auth;
using Meridian.Validation;

namespace Meridian.Server.Api.Auth;

public sealed record SessionResponse(string Username, bool Admin, string CsrfToken, long IdleTimeoutSeconds, DateTimeOffset ExpiresAt);

/// <summary>
/// Browser sessions for the web console: login sets an HttpOnly, SameSite=Strict cookie (no token for scripts to
/// keep), the answer carries the antiforgery token writes must send back, logout ends the session on every node.
/// </summary>
internal static class SessionEndpoints
{
    public static void MapSessionEndpoints(this RouteGroupBuilder auth)
    {
        auth.MapPost("/session", async (TokenRequest request, HttpContext http, Credentials credentials, BrowserSessions sessions) =>
            {
                var caller = await PasswordSignIn.SignInAsync(request, http, credentials);
                if (caller.Kind != CallerKind.User)
                {
                    throw new UnauthenticatedException("Only users log in to the console; access keys are for services.");
                }

                var (value, session) = sessions.Issue(caller);
                SessionCookie.Set(http, value);
                return Response(caller, session, sessions);
            })
            .AllowAnonymous()
            .WithSummary("Logs in to the web console: sets an HttpOnly session cookie and answers the antiforgery token that every " +
                         "write made with the cookie sends in the X-Meridian-Csrf header. Scripts and services use POST /v1/auth/token.");

        auth.MapGet("/session", (HttpContext http, BrowserSessions sessions) =>
                Current(http) is { } session
                    ? Results.Ok(Response(Caller.Of(http.User), session, sessions))
                    : throw new NotFoundException("This request came with no console session cookie (it was authenticated by its Authorization header)."))
            .WithSummary("The console session the cookie stands for, with its antiforgery token; 401 once it has ended.");

        auth.MapDelete("/session", async (HttpContext http, BrowserSessions sessions, CancellationToken ct) =>
            {
                if (Current(http) is not { } session)
                {
                    throw new NotFoundException("This request came with no console session cookie; there is nothing to log out.");
                }

                await sessions.RevokeAsync(session, ct);
                SessionCookie.Clear(http);
                return Results.NoContent();
            })
            .WithSummary("Logs out: the session is refused from now on by this node and, once they read the directory again, by every other.");
    }

    private static BrowserSession? Current(HttpContext http) => http.Items[typeof(BrowserSession)] as BrowserSession;

    private static SessionResponse Response(Caller caller, BrowserSession session, BrowserSessions sessions) => new(
        caller.Name, caller.IsAdmin, sessions.AntiforgeryToken(session), (long)sessions.Options.SessionIdleTimeout.TotalSeconds,
        session.IssuedAt + sessions.Options.SessionLifetime);
}
