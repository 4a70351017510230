using System.Collections.Immutable;
using System.Text.Json;
using Meridian.Auth;
using Meridian.Persistence;
using Meridian.Validation;
using System.Data.Common;

namespace Meridian.Storage.Relational;

/// <summary>Users, roles, access keys and the install's secrets in the <c>auth_*</c> tables; each write is one durable transaction.</summary>
internal sealed class RelationalAuthStore(IRelationalEngine engine) : IAuthStore
{
    public async Task<AuthState> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenReadAsync(cancellationToken);
        var users = await ReadAllAsync(connection, "SELECT name, password_hash, roles, created_at FROM auth_users",
            row => new UserAccount(row.GetString(0), row.GetString(1), Strings(row.GetString(2)), Time(row.GetInt64(3))), cancellationToken);
        var roles = await ReadAllAsync(connection, "SELECT name, grants FROM auth_roles",
            row => new RoleDefinition(row.GetString(0), Grants(row.GetString(1))), cancellationToken);
        var keys = await ReadAllAsync(connection,
            "SELECT id, name, secret_hash, grants, created_by, created_at, expires_at, revoked_at, last_used_at FROM auth_keys",
            row => new AccessKeyRecord(row.GetString(0), row.GetString(1), row.GetString(2), Grants(row.GetString(3)), row.GetString(4),
                Time(row.GetInt64(5)), OptionalTime(row, 6), OptionalTime(row, 7), OptionalTime(row, 8)),
            cancellationToken);
        var revoked = await ReadAllAsync(connection, "SELECT id, until_at FROM auth_revoked_sessions",
            row => new RevokedSession(row.GetString(0), Time(row.GetInt64(1))), cancellationToken);
        return new AuthState(users, roles, keys, revoked);
    }

    public Task SaveUserAsync(UserAccount user, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO auth_users (name, password_hash, roles, created_at) VALUES (@name, @hash, @roles, @created) " +
            "ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, roles = excluded.roles",
            p =>
            {
                p.Bind("@name", user.Name);
                p.Bind("@hash", user.PasswordHash);
                p.Bind("@roles", JsonSerializer.Serialize(user.Roles, StoredJson.Options));
                p.Bind("@created", user.CreatedAt.ToUnixTimeMilliseconds());
            },
            cancellationToken);

    public async Task<bool> AddFirstUserAsync(UserAccount user, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "INSERT INTO auth_users (name, password_hash, roles, created_at) SELECT @name, @hash, @roles, @created " +
            "WHERE NOT EXISTS (SELECT 1 FROM auth_users) ON CONFLICT (name) DO NOTHING",
            p =>
            {
                p.Bind("@name", user.Name);
                p.Bind("@hash", user.PasswordHash);
                p.Bind("@roles", JsonSerializer.Serialize(user.Roles, StoredJson.Options));
                p.Bind("@created", user.CreatedAt.ToUnixTimeMilliseconds());
            },
            cancellationToken) == 1;

    public Task DeleteUserAsync(string name, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM auth_users WHERE name = @name", p => p.Bind("@name", name), cancellationToken);

    public Task SaveRoleAsync(RoleDefinition role, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO auth_roles (name, grants) VALUES (@name, @grants) ON CONFLICT (name) DO UPDATE SET grants = excluded.grants",
            p =>
            {
                p.Bind("@name", role.Name);
                p.Bind("@grants", JsonSerializer.Serialize(role.Grants, StoredJson.Options));
            },
            cancellationToken);

    public Task DeleteRoleAsync(string name, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM auth_roles WHERE name = @name", p => p.Bind("@name", name), cancellationToken);

    public Task SaveKeyAsync(AccessKeyRecord key, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO auth_keys (id, name, secret_hash, grants, created_by, created_at, expires_at, revoked_at, last_used_at) " +
            "VALUES (@id, @name, @hash, @grants, @by, @created, @expires, @revoked, @used) " +
            "ON CONFLICT (id) DO UPDATE SET revoked_at = excluded.revoked_at, last_used_at = excluded.last_used_at",
            p =>
            {
                p.Bind("@id", key.Id);
                p.Bind("@name", key.Name);
                p.Bind("@hash", key.SecretHash);
                p.Bind("@grants", JsonSerializer.Serialize(key.Grants, StoredJson.Options));
                p.Bind("@by", key.CreatedBy);
                p.Bind("@created", key.CreatedAt.ToUnixTimeMilliseconds());
                p.Bind("@expires", key.ExpiresAt?.ToUnixTimeMilliseconds());
                p.Bind("@revoked", key.RevokedAt?.ToUnixTimeMilliseconds());
                p.Bind("@used", key.LastUsedAt?.ToUnixTimeMilliseconds());
            },
            cancellationToken);

    public async Task TouchKeysAsync(IReadOnlyList<(string Id, DateTimeOffset LastUsed)> uses, CancellationToken cancellationToken)
    {
        foreach (var (id, at) in uses)
        {
            await ExecuteAsync(
                $"UPDATE auth_keys SET last_used_at = {engine.Greatest}(COALESCE(last_used_at, 0), @at) WHERE id = @id",
                p =>
                {
                    p.Bind("@id", id);
                    p.Bind("@at", at.ToUnixTimeMilliseconds());
                },
                cancellationToken);
        }
    }

    public async Task RevokeSessionAsync(RevokedSession session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync("DELETE FROM auth_revoked_sessions WHERE until_at <= @now",
            p => p.Bind("@now", now.ToUnixTimeMilliseconds()), cancellationToken);
        await ExecuteAsync(
            "INSERT INTO auth_revoked_sessions (id, until_at) VALUES (@id, @until) ON CONFLICT (id) DO NOTHING",
            p =>
            {
                p.Bind("@id", session.Id);
                p.Bind("@until", session.Until.ToUnixTimeMilliseconds());
            },
            cancellationToken);
    }

    public async Task<byte[]> GetOrAddSecretAsync(string name, byte[] candidate, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            "INSERT INTO auth_secrets (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING",
            p =>
            {
                p.Bind("@name", name);
                p.Bind("@value", candidate);
            },
            cancellationToken);
        await using var connection = await engine.OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM auth_secrets WHERE name = @name";
        command.Bind("@name", name);
        return (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<int> ExecuteAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        try
        {
            var changed = await engine.WriteAsync(
                async (statements, ct) =>
                {
                    await using var tx = await engine.BeginAsync(statements, soft: false, ct);
                    await using var command = statements.Connection.CreateCommand();
                    command.Transaction = tx;
                    command.CommandText = sql;
                    bind(command);
                    var rows = await command.ExecuteNonQueryAsync(ct);
                    await tx.CommitAsync(ct);
                    return rows;
                },
                cancellationToken);
            await engine.SyncAsync(soft: false);
            return changed;
        }
        catch (DbException e)
        {
            throw new StorageUnavailableException($"The store could not save the change ({e.Message}); try again.", e) { OutOfSpace = engine.IsOutOfSpace(e) };
        }
    }

    private static async Task<List<T>> ReadAllAsync<T>(DbConnection connection, string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<T>();
        while (await row.ReadAsync(cancellationToken))
        {
            items.Add(map(row));
        }

        return items;
    }

    private static ImmutableArray<string> Strings(string json) => JsonSerializer.Deserialize<ImmutableArray<string>>(json, StoredJson.Options);

    private static ImmutableArray<Grant> Grants(string json) => JsonSerializer.Deserialize<ImmutableArray<Grant>>(json, StoredJson.Options);

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? OptionalTime(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : Time(row.GetInt64(ordinal));
}
