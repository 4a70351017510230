using Meridian.Auth;
using Microsoft.Extensions.Options;

namespace Meridian.Testing;

/// <summary>Tokens for the administrator of any test server, signed with the key every test server shares.</summary>
public static class TestTokens
{
    private static readonly Lazy<string> Admin = new(() =>
    {
        var tokens = new TokenService(Options.Create(new AuthOptions()), TimeProvider.System);
        tokens.UseKey(Convert.FromBase64String(TestAuth.SigningKey));
        return tokens.Issue(new Caller("admin", CallerKind.User, isAdmin: true, [])).AccessToken;
    });

    /// <summary>A valid administrator token (5 hours), for clients that are given one credential for several servers.</summary>
    public static string AdminToken => Admin.Value;
}
