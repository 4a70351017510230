using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Meridian.Auth;

/// <summary>One browser session as its cookie states it: who, since when, when last active.</summary>
public sealed record BrowserSession(string Id, string User, DateTimeOffset IssuedAt, DateTimeOffset SeenAt, string PasswordStamp)
{
    /// <summary>When the session lapses unless a request renews it: the idle timeout or the lifetime, whichever comes first.</summary>
    public DateTimeOffset Deadline(AuthOptions options) =>
        SeenAt + options.SessionIdleTimeout < IssuedAt + options.SessionLifetime ? SeenAt + options.SessionIdleTimeout : IssuedAt + options.SessionLifetime;
}

/// <summary>A valid session: the caller it stands for and, when it was last renewed a while ago, the renewed cookie value.</summary>
public sealed record SessionCheck(Caller Caller, BrowserSession Session, string? Renewed);

/// <summary>
/// The web console's sessions: the cookie holds an HMAC-signed statement (session id, user, login time, last activity,
/// a stamp of the password it began under) made with a key derived from this install's token key, so any node of a
/// cluster accepts it with no sticky sessions and no per-request store read. A session ends after
/// <see cref="AuthOptions.SessionIdleTimeout"/> without a request, after <see cref="AuthOptions.SessionLifetime"/>, when
/// its user's password changes or the user is deleted, and at logout, which is stored so every node refuses it.
/// Writes made with the cookie carry an antiforgery token derived from the session id (the same on every node).
/// </summary>
public sealed class BrowserSessions(AuthDirectory directory, IOptions<AuthOptions> options, TimeProvider time)
{
    public const string CookieName = "meridian_session";

    /// <summary>The header a write made with the session cookie carries the antiforgery token in.</summary>
    public const string AntiforgeryHeader = "X-Meridian-Csrf";

    private const string Version = "s1";
    private byte[]? _key;

    public AuthOptions Options => options.Value;

    /// <summary>Derives the session key from the install's token key; called once at start-up.</summary>
    public void UseKey(byte[] tokenKey) => _key = HMACSHA256.HashData(tokenKey, "meridian browser sessions"u8);

    public (string Value, BrowserSession Session) Issue(Caller user)
    {
        var account = directory.Account(user.Name) ?? throw new InvalidOperationException($"User '{user.Name}' is not in the directory.");
        var now = time.GetUtcNow();
        var session = new BrowserSession(Base64Url(RandomNumberGenerator.GetBytes(16)), user.Name, now, now, Stamp(account.PasswordHash));
        return (Encode(session), session);
    }

    /// <summary>The session a cookie value stands for, or null when it is forged, lapsed, logged out, or its user changed password or left.</summary>
    public async ValueTask<SessionCheck?> ValidateAsync(string value, string address, bool renew)
    {
        if (Decode(value) is not { } session)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (session.Deadline(options.Value) <= now || session.SeenAt > now + TimeSpan.FromMinutes(5) || directory.IsSessionRevoked(session.Id))
        {
            return null;
        }

        if (directory.Account(session.User) is null)
        {
            await directory.CatchUpAsync();
        }

        if (directory.Account(session.User) is not { } account || Stamp(account.PasswordHash) != session.PasswordStamp
            || directory.UserCaller(session.User) is not { } caller)
        {
            return null;
        }

        string? renewed = null;
        var renewAfter = options.Value.SessionIdleTimeout / 30;
        if (renew && now - session.SeenAt >= renewAfter)
        {
            session = session with { SeenAt = now };
            renewed = Encode(session);
        }

        return new SessionCheck(caller.From(address).Until(session.IssuedAt + options.Value.SessionLifetime), session, renewed);
    }

    /// <summary>The antiforgery token of a session: what its page sends in <see cref="AntiforgeryHeader"/> with every write.</summary>
    public string AntiforgeryToken(BrowserSession session) => Base64Url(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes($"csrf\n{session.Id}")));

    public bool IsAntiforgeryValid(BrowserSession session, string? header) =>
        header is { Length: > 0 and < 128 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(header), Encoding.ASCII.GetBytes(AntiforgeryToken(session)));

    public Task RevokeAsync(BrowserSession session, CancellationToken cancellationToken) =>
        directory.RevokeSessionAsync(new RevokedSession(session.Id, session.IssuedAt + options.Value.SessionLifetime), cancellationToken);

    private byte[] Key => _key ?? throw new InvalidOperationException("The session key is not loaded yet.");

    private string Encode(BrowserSession s)
    {
        var payload = Base64Url(Encoding.UTF8.GetBytes(string.Join('\n', Version, s.Id, s.User,
            s.IssuedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), s.SeenAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), s.PasswordStamp)));
        return $"{payload}.{Base64Url(HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(payload)))}";
    }

    private BrowserSession? Decode(string value)
    {
        if (_key is null || value.Length is 0 or > 1024 || value.Split('.') is not [var payload, var mac])
        {
            return null;
        }

        var expected = Encoding.ASCII.GetBytes(Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(payload))));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(mac)))
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(FromBase64Url(payload))).Split('\n');
            return parts is [Version, var id, var user, var issued, var seen, var stamp]
                && long.TryParse(issued, NumberStyles.None, CultureInfo.InvariantCulture, out var issuedMs)
                && long.TryParse(seen, NumberStyles.None, CultureInfo.InvariantCulture, out var seenMs)
                ? new BrowserSession(id, user, DateTimeOffset.FromUnixTimeMilliseconds(issuedMs), DateTimeOffset.FromUnixTimeMilliseconds(seenMs), stamp)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Stamp(string passwordHash) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(passwordHash)).AsSpan(0, 8));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromBase64Url(string value)
    {
        var padded = value.Replace('-', '+').Replace('_', '/');
        return padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '=');
    }
}
