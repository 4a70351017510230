using System.Collections.Immutable;

namespace Meridian.Auth;

/// <summary>A person who logs in with a password. <see cref="PasswordHash"/> is a slow salted hash, never the password.</summary>
public sealed record UserAccount(string Name, string PasswordHash, ImmutableArray<string> Roles, DateTimeOffset CreatedAt);

/// <summary>A named set of grants that users take on. The role <c>admin</c> is built in and may do everything.</summary>
public sealed record RoleDefinition(string Name, ImmutableArray<Grant> Grants)
{
    public const string Admin = "admin";
}

/// <summary>
/// An access key for a service or automation: only a SHA-256 of its secret is kept (the secret is 32 random bytes,
/// so a fast hash is enough); the secret itself is shown once, when the key is created.
/// </summary>
public sealed record AccessKeyRecord(
    string Id,
    string Name,
    string SecretHash,
    ImmutableArray<Grant> Grants,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>A browser session ended before its time (a logout); kept until <see cref="Until"/>, when it would have lapsed anyway.</summary>
public sealed record RevokedSession(string Id, DateTimeOffset Until);

/// <summary>Everything the store keeps about identities, read at start-up.</summary>
public sealed record AuthState(
    IReadOnlyList<UserAccount> Users,
    IReadOnlyList<RoleDefinition> Roles,
    IReadOnlyList<AccessKeyRecord> Keys,
    IReadOnlyList<RevokedSession>? RevokedSessions = null);
