using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Meridian.Persistence;
using Meridian.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Auth;

/// <summary>
/// Users, roles and access keys in memory, read from the store at start-up; answers who a credential belongs to and
/// builds the <see cref="Caller"/> for it. Lookups read one immutable snapshot and take no lock; writes (rare) are
/// stored first, then swap the snapshot. Key uses are written back once a minute, not per request.
/// </summary>
public sealed partial class AuthDirectory(IAuthStore store, TimeProvider time, IOptions<AuthOptions> options, ILogger<AuthDirectory> logger)
    : BackgroundService
{
    public const string KeyPrefix = "mrd_";
    private static readonly TimeSpan UseFlushInterval = TimeSpan.FromMinutes(1);

    private readonly PasswordHasher<string> _hasher = new();
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly ConcurrentDictionary<string, KeyUse> _uses = new(StringComparer.Ordinal);
    private volatile DirectorySnapshot _state = DirectorySnapshot.Empty;
    private string _stored = "";

    public IAuthStore Store => store;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var loaded = await store.LoadAsync(cancellationToken);
        _state = DirectorySnapshot.From(loaded);
        _stored = Fingerprint(loaded);
        await base.StartAsync(cancellationToken);
    }

    public bool HasUsers => !_state.Users.IsEmpty;

    public IReadOnlyList<UserAccount> Users(Caller caller)
    {
        caller.DemandAdmin("list users");
        return [.. _state.Users.Values.OrderBy(u => u.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyList<RoleDefinition> Roles(Caller caller)
    {
        caller.DemandAdmin("list roles");
        return [AdminRole, .. _state.Roles.Values.OrderBy(r => r.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyList<AccessKeyRecord> Keys(Caller caller)
    {
        caller.DemandAdmin("list access keys");
        return [.. _state.KeysById.Values.Select(WithLastUse).OrderBy(k => k.CreatedAt)];
    }

    /// <summary>The caller a token's subject stands for now: a deleted user's tokens stop working, role changes apply at once.</summary>
    public Caller? UserCaller(string name) => _state.Callers.GetValueOrDefault(name);

    /// <summary>Changes with every change to users, roles or keys: a caller resolved at one generation is current while it holds.</summary>
    public long Generation => _state.Generation;

    /// <summary>
    /// The caller as the directory stands now, for a credential checked earlier (an open stream): the same caller while
    /// nothing about it changed, its new grants after a role change, and null once its user is deleted or its key is
    /// revoked or expired.
    /// </summary>
    public Caller? Current(Caller caller)
    {
        if (caller.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            return null;
        }

        var state = _state;
        var now = caller.Kind switch
        {
            CallerKind.User => state.Callers.GetValueOrDefault(caller.Name),
            CallerKind.AccessKey => caller.KeyId is { } id && state.KeysById.TryGetValue(id, out var key) && key.IsActive(time.GetUtcNow())
                ? state.KeysByHash.GetValueOrDefault(key.SecretHash).Caller
                : null,
            _ => caller,
        };
        if (now is null || ReferenceEquals(now, caller.Origin))
        {
            return now is null ? null : caller;
        }

        var renewed = now.From(caller.SourceAddress);
        return caller.ExpiresAt is { } until ? renewed.Until(until) : renewed;
    }

    /// <summary>The stored account of a user, or null; browser sessions compare its password hash with the one they began under.</summary>
    internal UserAccount? Account(string name) => _state.Users.GetValueOrDefault(name);

    /// <summary>Whether a browser session was logged out (here, or on another node once the directory was read again).</summary>
    public bool IsSessionRevoked(string id) => _state.RevokedSessions.ContainsKey(id);

    /// <summary>Ends a browser session for every node: stored first, then in force here at once.</summary>
    public Task RevokeSessionAsync(RevokedSession session, CancellationToken cancellationToken) =>
        WriteAsync(async state =>
        {
            var now = time.GetUtcNow();
            await store.RevokeSessionAsync(session, now, cancellationToken);
            return (state.WithRevokedSession(session, now), true);
        }, cancellationToken);

    /// <summary>Checks a password with the slow hash. Callers that see the same password often cache the answer.</summary>
    public Caller? VerifyPassword(string name, string password)
    {
        if (!_state.Users.TryGetValue(name, out var user))
        {
            // Spend the same time as for a real user, so a wrong name cannot be told from a wrong password.
            _hasher.VerifyHashedPassword(name, DirectorySnapshot.DummyHash, password);
            return null;
        }

        return _hasher.VerifyHashedPassword(name, user.PasswordHash, password) == PasswordVerificationResult.Failed
            ? null
            : _state.Callers.GetValueOrDefault(name);
    }

    /// <summary>The caller an access key stands for, or null when it is unknown, expired or revoked.</summary>
    public Caller? ResolveKey(string secret)
    {
        if (!secret.StartsWith(KeyPrefix, StringComparison.Ordinal) || secret.Length > 128
            || !_state.KeysByHash.TryGetValue(HashSecret(secret), out var entry) || !entry.Key.IsActive(time.GetUtcNow()))
        {
            return null;
        }

        // An existing key's holder is found without a lock; only a key's first use adds one.
        _uses.GetOrAdd(entry.Key.Id, static _ => new KeyUse()).Touch(time.GetUtcNow());
        return entry.Caller;
    }

    /// <summary>Creates the first administrator, once: returns false when any user exists already.</summary>
    public async Task<bool> BootstrapAdminAsync(string password, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            await ReloadIfSharedAsync(cancellationToken);
            if (!_state.Users.IsEmpty)
            {
                return false;
            }

            var admin = new UserAccount(RoleDefinition.Admin, _hasher.HashPassword(RoleDefinition.Admin, password), [RoleDefinition.Admin], time.GetUtcNow());
            if (!await store.AddFirstUserAsync(admin, cancellationToken))
            {
                // Another node of the cluster created it first: take theirs, so every node holds the same account.
                await ReloadIfSharedAsync(cancellationToken);
                return false;
            }

            _state = _state.WithUser(admin);
            return true;
        }
        finally
        {
            _writes.Release();
        }
    }

    public Task<UserAccount> CreateUserAsync(string name, string password, IReadOnlyList<string> roles, Caller caller, CancellationToken cancellationToken)
    {
        caller.DemandAdmin("create users");
        var errors = new ValidationErrors();
        Rules.Name(errors, "username", name);
        Password(errors, password);
        return WriteAsync(async state =>
        {
            if (state.Users.ContainsKey(name))
            {
                throw new ConflictException($"User '{name}' exists already; change it with PUT /v1/auth/users/{name}.");
            }

            RolesExist(errors, state, roles);
            errors.ThrowIfAny();
            var user = new UserAccount(name, _hasher.HashPassword(name, password), [.. roles.Distinct(StringComparer.Ordinal)], time.GetUtcNow());
            await store.SaveUserAsync(user, cancellationToken);
            LogAudit(caller.Name, "created user", name);
            return (state.WithUser(user), user);
        }, cancellationToken);
    }

    /// <summary>Changes a user's password (the user or an administrator) or roles (an administrator).</summary>
    public Task<UserAccount> UpdateUserAsync(string name, string? password, IReadOnlyList<string>? roles, Caller caller, CancellationToken cancellationToken)
    {
        if (roles is not null || caller.Kind != CallerKind.User || caller.Name != name)
        {
            caller.DemandAdmin(roles is null ? "change another user's password" : "change a user's roles");
        }

        var errors = new ValidationErrors();
        if (password is not null)
        {
            Password(errors, password);
        }

        return WriteAsync(async state =>
        {
            var user = state.Users.GetValueOrDefault(name) ?? throw new NotFoundException($"User '{name}' does not exist; see GET /v1/auth/users.");
            if (roles is not null)
            {
                RolesExist(errors, state, roles);
                if (user.Roles.Contains(RoleDefinition.Admin) && !roles.Contains(RoleDefinition.Admin) && AdminCount(state) == 1)
                {
                    errors.Add("roles", $"'{name}' is the last administrator; make another user an administrator first.");
                }
            }

            errors.ThrowIfAny();
            var updated = user with
            {
                PasswordHash = password is null ? user.PasswordHash : _hasher.HashPassword(name, password),
                Roles = roles is null ? user.Roles : [.. roles.Distinct(StringComparer.Ordinal)],
            };
            await store.SaveUserAsync(updated, cancellationToken);
            LogAudit(caller.Name, password is null ? "changed the roles of user" : "changed the password of user", name);
            return (state.WithUser(updated), updated);
        }, cancellationToken);
    }

    public Task DeleteUserAsync(string name, Caller caller, CancellationToken cancellationToken)
    {
        caller.DemandAdmin("delete users");
        return WriteAsync(async state =>
        {
            var user = state.Users.GetValueOrDefault(name) ?? throw new NotFoundException($"User '{name}' does not exist; see GET /v1/auth/users.");
            if (user.Roles.Contains(RoleDefinition.Admin) && AdminCount(state) == 1)
            {
                throw new ConflictException($"'{name}' is the last administrator; make another user an administrator first.");
            }

            await store.DeleteUserAsync(name, cancellationToken);
            LogAudit(caller.Name, "deleted user", name);
            return (state.WithoutUser(name), true);
        }, cancellationToken);
    }

    public Task<RoleDefinition> PutRoleAsync(RoleDefinition role, Caller caller, CancellationToken cancellationToken)
    {
        caller.DemandAdmin("change roles");
        var errors = new ValidationErrors();
        Rules.Name(errors, "name", role.Name);
        if (role.Name == RoleDefinition.Admin)
        {
            errors.Add("name", "The role 'admin' is built in and grants everything; give the role another name.");
        }

        errors.ThrowIfAny();
        return WriteAsync(async state =>
        {
            await store.SaveRoleAsync(role, cancellationToken);
            LogAudit(caller.Name, "saved role", role.Name);
            return (state.WithRole(role), role);
        }, cancellationToken);
    }

    public Task DeleteRoleAsync(string name, Caller caller, CancellationToken cancellationToken)
    {
        caller.DemandAdmin("delete roles");
        return WriteAsync(async state =>
        {
            if (!state.Roles.ContainsKey(name))
            {
                throw new NotFoundException($"Role '{name}' does not exist; see GET /v1/auth/roles.");
            }

            await store.DeleteRoleAsync(name, cancellationToken);
            LogAudit(caller.Name, "deleted role", name);
            return (state.WithoutRole(name), true);
        }, cancellationToken);
    }

    /// <summary>Creates an access key; the secret in the answer is the only copy there will ever be.</summary>
    public Task<(AccessKeyRecord Key, string Secret)> CreateKeyAsync(
        string name, ImmutableArray<Grant> grants, DateTimeOffset? expiresAt, Caller caller, CancellationToken cancellationToken)
    {
        caller.DemandAdmin("create access keys");
        var errors = new ValidationErrors();
        Rules.Name(errors, "name", name);
        if (grants.IsDefaultOrEmpty)
        {
            errors.Add("scopes", "An access key needs at least one scope, such as 'discovery:read' or 'config:read'.");
        }

        if (expiresAt is { } at && at <= time.GetUtcNow())
        {
            errors.Add("expiresAt", $"'expiresAt' must lie in the future; got {at:O}.");
        }

        errors.ThrowIfAny();
        var secret = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new AccessKeyRecord("key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), name, HashSecret(secret), grants,
            caller.Name, time.GetUtcNow(), expiresAt, RevokedAt: null, LastUsedAt: null);
        return WriteAsync(async state =>
        {
            await store.SaveKeyAsync(key, cancellationToken);
            LogAudit(caller.Name, "created access key", $"{key.Id} ({name})");
            return (state.WithKey(key), (key, secret));
        }, cancellationToken);
    }

    public Task<AccessKeyRecord> RevokeKeyAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        caller.DemandAdmin("revoke access keys");
        return WriteAsync(async state =>
        {
            var key = state.KeysById.GetValueOrDefault(id) ?? throw new NotFoundException($"Access key '{id}' does not exist; see GET /v1/auth/keys.");
            if (key.RevokedAt is not null)
            {
                return (state, key);
            }

            var revoked = WithLastUse(key) with { RevokedAt = time.GetUtcNow() };
            await store.SaveKeyAsync(revoked, cancellationToken);
            LogAudit(caller.Name, "revoked access key", $"{id} ({key.Name})");
            return (state.WithKey(revoked), revoked);
        }, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(FlushUsesEveryMinuteAsync(stoppingToken), RefreshAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FlushUsesEveryMinuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(UseFlushInterval, time, stoppingToken);
            await FlushUsesAsync(stoppingToken);
        }
    }

    /// <summary>
    /// Reads the directory again every <see cref="AuthOptions.DirectoryRefreshInterval"/>, for a store other nodes write
    /// too; a change (a user, a role, a key made or revoked elsewhere) becomes the current snapshot under a new
    /// generation, so open streams check their caller again.
    /// </summary>
    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        if (options.Value.DirectoryRefreshInterval is not { } interval || interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await WriteAsync(state => Task.FromResult((state, true)), stoppingToken);
                failing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Once per outage, not every interval of it.
                if (!failing)
                {
                    LogRefreshFailed(e);
                }

                failing = true;
            }
        }
    }

    /// <summary>
    /// On a shared store, when a key, a user or a role is not known here, it may have just been made on another node:
    /// reads the directory again now (at most every <see cref="CatchUpSpacing"/>; callers meanwhile share the read) so the
    /// caller is judged on what the store holds. Free on a single node.
    /// </summary>
    public Task CatchUpAsync()
    {
        if (!Shared)
        {
            return Task.CompletedTask;
        }

        lock (_catchUpGate)
        {
            if (_catchingUp is { IsCompleted: false } running)
            {
                return running;
            }

            if (_lastCatchUp != 0 && time.GetElapsedTime(_lastCatchUp) < CatchUpSpacing)
            {
                return Task.CompletedTask;
            }

            _lastCatchUp = time.GetTimestamp();
            return _catchingUp = CatchUpNowAsync();
        }
    }

    private async Task CatchUpNowAsync()
    {
        try
        {
            await WriteAsync(state => Task.FromResult((state, true)), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRefreshFailed(e);
        }
    }

    private static readonly TimeSpan CatchUpSpacing = TimeSpan.FromMilliseconds(200);
    private readonly Lock _catchUpGate = new();
    private Task? _catchingUp;
    private long _lastCatchUp;

    private bool Shared => options.Value.DirectoryRefreshInterval is { } interval && interval > TimeSpan.Zero;

    /// <summary>
    /// Makes the directory what the store holds, when other nodes write it too; called with the write gate held, so a
    /// write here judges by other nodes' writes (a role made elsewhere a moment ago) and never races a reload.
    /// </summary>
    private async Task ReloadIfSharedAsync(CancellationToken cancellationToken)
    {
        if (!Shared)
        {
            return;
        }

        AuthState loaded;
        try
        {
            loaded = await store.LoadAsync(cancellationToken);
        }
        catch (Exception e) when (e is not (OperationCanceledException or MeridianException))
        {
            throw new StorageUnavailableException($"The store could not be read ({e.GetBaseException().Message}); try again once it answers.", e);
        }

        var stored = Fingerprint(loaded);
        if (stored != _stored)
        {
            _stored = stored;
            _state = DirectorySnapshot.From(loaded) with { Generation = _state.Generation + 1 };
        }
    }

    /// <summary>What the store holds, less the last-use times (which change without changing anyone's access).</summary>
    private static string Fingerprint(AuthState state) =>
        JsonSerializer.Serialize(new AuthState(state.Users, state.Roles, [.. state.Keys.Select(k => k with { LastUsedAt = null })], state.RevokedSessions));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushUsesAsync(cancellationToken);
    }

    internal static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static readonly RoleDefinition AdminRole = new(RoleDefinition.Admin, [new Grant("*", "*", null, "*", AccessActions.ReadWrite)]);

    private async Task FlushUsesAsync(CancellationToken cancellationToken)
    {
        var unstored = new List<(KeyUse Use, string Id, DateTimeOffset At)>();
        foreach (var (id, use) in _uses)
        {
            if (use.Unstored() is { } at)
            {
                unstored.Add((use, id, at));
            }
        }

        if (unstored.Count == 0)
        {
            return;
        }

        var uses = unstored.ConvertAll(u => (u.Id, u.At));
        try
        {
            await store.TouchKeysAsync(uses, cancellationToken);
            unstored.ForEach(u => u.Use.Stored(u.At));
        }
        catch (Exception e) when (e is StorageUnavailableException or OperationCanceledException)
        {
            LogUsesNotStored(e, uses.Count);
        }
    }

    private AccessKeyRecord WithLastUse(AccessKeyRecord key) =>
        _uses.TryGetValue(key.Id, out var use) && use.LastUsed is { } at && (key.LastUsedAt is null || at > key.LastUsedAt) ? key with { LastUsedAt = at } : key;

    /// <summary>When one key was last used: stamped by requests without a lock, written to the store by the flush.</summary>
    private sealed class KeyUse
    {
        private long _lastUsed;
        private long _stored;

        public DateTimeOffset? LastUsed => Volatile.Read(ref _lastUsed) is var ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

        public void Touch(DateTimeOffset at) => Volatile.Write(ref _lastUsed, at.ToUnixTimeMilliseconds());

        /// <summary>The last use when it is newer than what the store holds; only the flush calls this and <see cref="Stored"/>.</summary>
        public DateTimeOffset? Unstored() => Volatile.Read(ref _lastUsed) > _stored ? LastUsed : null;

        public void Stored(DateTimeOffset at) => _stored = at.ToUnixTimeMilliseconds();
    }

    private async Task<T> WriteAsync<T>(Func<DirectorySnapshot, Task<(DirectorySnapshot, T)>> write, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            await ReloadIfSharedAsync(cancellationToken);
            var (next, result) = await write(_state);
            if (!ReferenceEquals(next, _state))
            {
                _stored = "";
            }

            _state = next;
            return result;
        }
        finally
        {
            _writes.Release();
        }
    }

    private static void Password(ValidationErrors errors, string? password)
    {
        if (password is null || password.Length < 8 || password.Length > 256)
        {
            errors.Add("password", "The password must be 8 to 256 characters long.");
        }
    }

    private static void RolesExist(ValidationErrors errors, DirectorySnapshot state, IReadOnlyList<string> roles)
    {
        foreach (var role in roles)
        {
            if (role is null)
            {
                errors.Add("roles", "'roles' lists null; give role names, such as [\"admin\"] or [\"dev-readers\"].");
            }
            else if (role != RoleDefinition.Admin && !state.Roles.ContainsKey(role))
            {
                errors.Add("roles", $"Role '{role}' does not exist; create it first (PUT /v1/auth/roles/{role}).");
            }
        }
    }

    private static int AdminCount(DirectorySnapshot state) => state.Users.Values.Count(u => u.Roles.Contains(RoleDefinition.Admin));

    [LoggerMessage(Level = LogLevel.Information, EventName = "Audit", Message = "Audit: {Actor} {Action} {Target}")]
    private partial void LogAudit(string actor, string action, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the last use of {Count} access key(s); they are kept in memory only")]
    private partial void LogUsesNotStored(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read users, roles and keys again from the store; the ones read last stay in force")]
    private partial void LogRefreshFailed(Exception exception);
}
