using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Auth;

/// <summary>
/// Turns what a request carries (a password, a token, an access key) into a <see cref="Caller"/>. Password checks are
/// limited per user and address; a verified password is remembered briefly (keyed by an HMAC with a per-process key,
/// never the password itself), because Nacos clients send username and password with every call.
/// </summary>
public sealed class Credentials : IDisposable
{
    private const int MaxRemembered = 10_000;
    private readonly AuthDirectory _directory;
    private readonly TokenService _tokens;
    private readonly TimeProvider _time;
    private readonly AuthOptions _options;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Remembered> _verified = new(StringComparer.Ordinal);
    private readonly PartitionedRateLimiter<string> _attempts;

    public Credentials(AuthDirectory directory, TokenService tokens, IOptions<AuthOptions> options, TimeProvider time)
    {
        _directory = directory;
        _tokens = tokens;
        _time = time;
        _options = options.Value;
        _attempts = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = _options.LoginAttemptsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
    }

    /// <summary>Checks a username and password; throws 401 when wrong, 429 when tried too often.</summary>
    public async ValueTask<Caller> SignInAsync(string username, string password, string address)
    {
        var remembered = Fingerprint(username, password);
        var now = _time.GetUtcNow();
        if (_verified.TryGetValue(remembered, out var hit) && hit.Until > now && _directory.UserCaller(username) is { } known
            && ReferenceEquals(known, hit.Caller))
        {
            return known.From(address);
        }

        using var lease = _attempts.AttemptAcquire($"{username}\n{address}");
        if (!lease.IsAcquired)
        {
            var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
            throw new TooManyRequestsException($"Too many login attempts for '{username}' from {address}; wait {Math.Ceiling(retry.TotalSeconds)} s and try again.", retry);
        }

        var caller = _directory.VerifyPassword(username, password);
        if (caller is null && _directory.UserCaller(username) is null)
        {
            // A user made on another node a moment ago is not known here yet.
            await _directory.CatchUpAsync();
            caller = _directory.VerifyPassword(username, password);
        }

        if (caller is null)
        {
            throw new UnauthenticatedException("The username or password is wrong.");
        }

        if (_options.CredentialCacheDuration > TimeSpan.Zero)
        {
            if (_verified.Count >= MaxRemembered)
            {
                _verified.Clear();
            }

            _verified[remembered] = new Remembered(caller, now + _options.CredentialCacheDuration);
        }

        return caller.From(address);
    }

    /// <summary>The caller behind an <c>Authorization: Bearer</c> value: an access key (<c>mrd_...</c>) or a token.</summary>
    public async ValueTask<Caller?> AuthenticateBearerAsync(string credential, string address)
    {
        if (credential.StartsWith(AuthDirectory.KeyPrefix, StringComparison.Ordinal))
        {
            // A key made on another node a moment ago is not known here yet: one look at the store before refusing it.
            if (_directory.ResolveKey(credential) is not { } key)
            {
                await _directory.CatchUpAsync();
                key = _directory.ResolveKey(credential);
            }

            return key?.From(address);
        }

        if (await _tokens.ValidateAsync(credential) is not { } token)
        {
            return null;
        }

        if (_directory.UserCaller(token.User) is not { } user)
        {
            await _directory.CatchUpAsync();
            user = _directory.UserCaller(token.User);
        }

        return user?.From(address).Until(token.ExpiresAt);
    }

    public IssuedToken IssueToken(Caller user) => _tokens.Issue(user);

    public void Dispose() => _attempts.Dispose();

    private string Fingerprint(string username, string password) =>
        Convert.ToBase64String(HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes($"{username}\0{password}")));

    /// <summary>A verified password, trusted until <see cref="Until"/> while the user's caller is still the same object (no change since).</summary>
    private sealed record Remembered(Caller Caller, DateTimeOffset Until);
}
