using Meridian.Auth;

namespace Meridian.Persistence;

/// <summary>Where users, roles, access keys and the install's secrets are kept. Every write is durable when it returns.</summary>
public interface IAuthStore
{
    Task<AuthState> LoadAsync(CancellationToken cancellationToken);

    Task SaveUserAsync(UserAccount user, CancellationToken cancellationToken);

    /// <summary>Adds the user only when the store has none yet (nodes starting together bootstrap one admin); false when one exists.</summary>
    Task<bool> AddFirstUserAsync(UserAccount user, CancellationToken cancellationToken);

    Task DeleteUserAsync(string name, CancellationToken cancellationToken);

    Task SaveRoleAsync(RoleDefinition role, CancellationToken cancellationToken);

    Task DeleteRoleAsync(string name, CancellationToken cancellationToken);

    Task SaveKeyAsync(AccessKeyRecord key, CancellationToken cancellationToken);

    Task TouchKeysAsync(IReadOnlyList<(string Id, DateTimeOffset LastUsed)> uses, CancellationToken cancellationToken);

    /// <summary>Records a logged-out browser session (and forgets revocations that have lapsed), for every node to refuse it.</summary>
    Task RevokeSessionAsync(RevokedSession session, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The install's secret of that name; the first caller's <paramref name="candidate"/> becomes it.</summary>
    Task<byte[]> GetOrAddSecretAsync(string name, byte[] candidate, CancellationToken cancellationToken);
}
