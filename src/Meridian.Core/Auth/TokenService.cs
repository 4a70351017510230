using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Meridian.Auth;

/// <summary>An issued bearer token and how long it stays valid.</summary>
public sealed record IssuedToken(string AccessToken, TimeSpan ExpiresIn);

/// <summary>
/// Issues and checks the bearer tokens users get at login: JWTs signed (HMAC-SHA256) with this install's key, so a
/// token from another install, or one signed with a published key, is refused.
/// </summary>
public sealed class TokenService(IOptions<AuthOptions> options, TimeProvider time)
{
    public const string SecretName = "token-signing-key";
    private const string Issuer = "meridian";
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };
    private SigningCredentials? _signing;
    private TokenValidationParameters? _validation;

    /// <summary>Sets the key; called once at start-up with the configured key or the install's stored one.</summary>
    public void UseKey(byte[] key)
    {
        var securityKey = new SymmetricSecurityKey(key);
        _signing = new SigningCredentials(securityKey, SecurityAlgorithms.HmacSha256);
        _validation = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Issuer,
            IssuerSigningKey = securityKey,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            LifetimeValidator = (_, expires, _, _) => expires is { } at && at > time.GetUtcNow().UtcDateTime,
            NameClaimType = JwtRegisteredClaimNames.Sub,
        };
    }

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(64);

    public IssuedToken Issue(Caller user)
    {
        var signing = _signing ?? throw new InvalidOperationException("The token key is not loaded yet.");
        var now = time.GetUtcNow();
        var ttl = options.Value.TokenTtl;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, user.Name), new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N"))]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + ttl).UtcDateTime,
            SigningCredentials = signing,
        });
        return new IssuedToken(token, ttl);
    }

    /// <summary>The user a valid token was issued to, or null for a token that is forged, expired or not a token.</summary>
    public async ValueTask<(string User, DateTimeOffset ExpiresAt)?> ValidateAsync(string token)
    {
        if (_validation is null || token.Length > 4096)
        {
            return null;
        }

        var result = await _handler.ValidateTokenAsync(token, _validation);
        return result.IsValid && result.Claims.TryGetValue(JwtRegisteredClaimNames.Sub, out var sub) && sub is string name
            ? (name, new DateTimeOffset(DateTime.SpecifyKind(result.SecurityToken.ValidTo, DateTimeKind.Utc)))
            : null;
    }
}
