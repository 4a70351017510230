using Meridian.Auth;
using Meridian.Validation;

namespace Meridian.Server.Api.Auth;

/// <summary>A login with username and password, as the token and the console session take it: both given, then checked.</summary>
internal static class PasswordSignIn
{
    public static ValueTask<Caller> SignInAsync(TokenRequest request, HttpContext http, Credentials credentials)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(request.Username))
        {
            errors.Add("username", "'username' is required.");
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors.Add("password", "'password' is required.");
        }

        errors.ThrowIfAny();
        return credentials.SignInAsync(request.Username!, request.Password!, http.Connection.RemoteIpAddress?.ToString() ?? "");
    }
}
