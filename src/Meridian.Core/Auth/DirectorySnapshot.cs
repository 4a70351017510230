using System.Collections.Immutable;

namespace Meridian.Auth;

/// <summary>One immutable view of users, roles and keys, with the caller each stands for built once.</summary>
internal sealed record DirectorySnapshot(
    ImmutableDictionary<string, UserAccount> Users,
    ImmutableDictionary<string, RoleDefinition> Roles,
    ImmutableDictionary<string, AccessKeyRecord> KeysById,
    ImmutableDictionary<string, (AccessKeyRecord Key, Caller Caller)> KeysByHash,
    ImmutableDictionary<string, Caller> Callers,
    long Generation = 0)
{
    /// <summary>Browser sessions logged out before their time, by id, with when they would have lapsed.</summary>
    public ImmutableDictionary<string, DateTimeOffset> RevokedSessions { get; init; } = ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal);

    /// <summary>
    /// A hash of no real password, checked when a name is unknown so both cases cost the same. Made on first need: a
    /// slow hash has no place in start-up.
    /// </summary>
    private static readonly Lazy<string> Dummy = new(() => new Microsoft.AspNetCore.Identity.PasswordHasher<string>().HashPassword("", Guid.NewGuid().ToString()));

    public static string DummyHash => Dummy.Value;

    public static DirectorySnapshot Empty { get; } = new(
        ImmutableDictionary.Create<string, UserAccount>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, RoleDefinition>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, AccessKeyRecord>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, (AccessKeyRecord, Caller)>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, Caller>(StringComparer.Ordinal));

    public static DirectorySnapshot From(AuthState state)
    {
        var snapshot = Empty with
        {
            Users = Empty.Users.SetItems(state.Users.Select(u => KeyValuePair.Create(u.Name, u))),
            Roles = Empty.Roles.SetItems(state.Roles.Select(r => KeyValuePair.Create(r.Name, r))),
            KeysById = Empty.KeysById.SetItems(state.Keys.Select(k => KeyValuePair.Create(k.Id, k))),
            RevokedSessions = Empty.RevokedSessions.SetItems((state.RevokedSessions ?? []).Select(r => KeyValuePair.Create(r.Id, r.Until))),
        };
        return snapshot.Rebuilt();
    }

    public DirectorySnapshot WithUser(UserAccount user) => (this with { Users = Users.SetItem(user.Name, user) }).Rebuilt();

    public DirectorySnapshot WithoutUser(string name) => (this with { Users = Users.Remove(name) }).Rebuilt();

    public DirectorySnapshot WithRole(RoleDefinition role) => (this with { Roles = Roles.SetItem(role.Name, role) }).Rebuilt();

    public DirectorySnapshot WithoutRole(string name) => (this with { Roles = Roles.Remove(name) }).Rebuilt();

    public DirectorySnapshot WithKey(AccessKeyRecord key) => (this with { KeysById = KeysById.SetItem(key.Id, key) }).Rebuilt();

    /// <summary>Revocations stay only as long as the sessions could have lived; they do not change anyone's callers.</summary>
    public DirectorySnapshot WithRevokedSession(RevokedSession session, DateTimeOffset now) => this with
    {
        RevokedSessions = RevokedSessions.RemoveRange(RevokedSessions.Where(r => r.Value <= now).Select(r => r.Key)).SetItem(session.Id, session.Until),
        Generation = Generation + 1,
    };

    private DirectorySnapshot Rebuilt()
    {
        var callers = Users.Values.Select(u => KeyValuePair.Create(u.Name, new Caller(
            u.Name, CallerKind.User, u.Roles.Contains(RoleDefinition.Admin),
            [.. u.Roles.Where(Roles.ContainsKey).SelectMany(r => Roles[r].Grants)])));
        var keys = KeysById.Values.Select(k => KeyValuePair.Create(k.SecretHash, (k, new Caller(k.Name, CallerKind.AccessKey, isAdmin: false, k.Grants, keyId: k.Id, expiresAt: k.ExpiresAt))));
        return this with
        {
            Callers = Empty.Callers.SetItems(callers),
            KeysByHash = Empty.KeysByHash.SetItems(keys),
            Generation = Generation + 1,
        };
    }
}
