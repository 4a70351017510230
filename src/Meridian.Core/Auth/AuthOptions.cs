using Microsoft.Extensions.Options;

namespace Meridian.Auth;

public enum AuthMode
{
    /// <summary>Every request needs credentials, except health and login.</summary>
    Enforced,

    /// <summary>Anonymous callers on loopback act as an administrator; refused when any address served is not loopback.</summary>
    Dev,
}

/// <summary>Authentication settings, bound from <c>Meridian:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Meridian:Auth";

    /// <summary>The environment variable that sets the first administrator's password instead of a generated one.</summary>
    public const string AdminPasswordVariable = "MERIDIAN_ADMIN_PASSWORD";

    public AuthMode Mode { get; set; } = AuthMode.Enforced;

    /// <summary>The first administrator's password, used once, when the store has no user yet (or <c>MERIDIAN_ADMIN_PASSWORD</c>).</summary>
    public string? AdminPassword { get; set; }

    /// <summary>How long an issued token is valid (Nacos's default: 5 hours).</summary>
    public TimeSpan TokenTtl { get; set; } = TimeSpan.FromHours(5);

    /// <summary>
    /// The token signing key (base64, at least 32 bytes), for nodes that must share one. Empty: a random key generated
    /// for this install and kept in the store.
    /// </summary>
    public string? TokenSigningKey { get; set; }

    /// <summary>How long a verified username and password is remembered, so clients that send them with every call do not pay a slow hash each time.</summary>
    public TimeSpan CredentialCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Password checks allowed per user and address per minute; more are answered 429.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 10;

    /// <summary>
    /// How often users, roles and keys are read again from the store, for a store other nodes write too: a key revoked
    /// on one node is refused by the others within this. The PostgreSQL store sets 5 s; null (a single node): never.
    /// </summary>
    public TimeSpan? DirectoryRefreshInterval { get; set; }

    /// <summary>A browser session (the web console's cookie) ends after this long without a request from it.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A browser session ends this long after its login, however active.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    /// <summary>The key Nacos shipped in its default configuration for years; tokens signed with it are forgeable by anyone.</summary>
    internal const string NacosDefaultKey = "SecretKey012345678901234567890123456789012345678901234567890123456789";

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.TokenTtl < TimeSpan.FromMinutes(1) || options.TokenTtl > TimeSpan.FromDays(30))
        {
            failures.Add($"Meridian:Auth:TokenTtl must be between 1 minute and 30 days; got {options.TokenTtl}.");
        }

        if (options.CredentialCacheDuration < TimeSpan.Zero || options.CredentialCacheDuration > TimeSpan.FromHours(1))
        {
            failures.Add($"Meridian:Auth:CredentialCacheDuration must be between 0 and 1 hour; got {options.CredentialCacheDuration}.");
        }

        if (options.LoginAttemptsPerMinute is < 1 or > 10_000)
        {
            failures.Add($"Meridian:Auth:LoginAttemptsPerMinute must be between 1 and 10000; got {options.LoginAttemptsPerMinute}.");
        }

        if (options.SessionIdleTimeout < TimeSpan.FromMinutes(1) || options.SessionIdleTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"Meridian:Auth:SessionIdleTimeout must be between 1 minute and 1 day; got {options.SessionIdleTimeout}.");
        }

        if (options.SessionLifetime < options.SessionIdleTimeout || options.SessionLifetime > TimeSpan.FromDays(30))
        {
            failures.Add($"Meridian:Auth:SessionLifetime must be between SessionIdleTimeout ({options.SessionIdleTimeout}) and 30 days; got {options.SessionLifetime}.");
        }

        if (options.AdminPassword is { } password && (password.Length < 8 || password.Length > 256))
        {
            failures.Add("The administrator password (MERIDIAN_ADMIN_PASSWORD or Meridian:Auth:AdminPassword) must be 8 to 256 characters long.");
        }

        if (!string.IsNullOrEmpty(options.TokenSigningKey) && SigningKeyProblem(options.TokenSigningKey) is { } problem)
        {
            failures.Add(problem);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static string? SigningKeyProblem(string key)
    {
        if (key == NacosDefaultKey || Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(NacosDefaultKey)) == key)
        {
            return "Meridian:Auth:TokenSigningKey is Nacos's published default key; anyone could sign tokens with it. Leave it empty for a generated key, or set 32+ random bytes (openssl rand -base64 48).";
        }

        var bytes = new byte[key.Length];
        if (!Convert.TryFromBase64String(key, bytes, out var length))
        {
            return "Meridian:Auth:TokenSigningKey must be base64 (openssl rand -base64 48).";
        }

        if (length < 32)
        {
            return $"Meridian:Auth:TokenSigningKey is {length} bytes; use at least 32 random bytes (openssl rand -base64 48).";
        }

        if (bytes.AsSpan(0, length).IndexOfAnyExcept(bytes[0]) < 0)
        {
            return "Meridian:Auth:TokenSigningKey repeats one byte; use random bytes (openssl rand -base64 48).";
        }

        return null;
    }
}
