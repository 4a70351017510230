using System.Text.Json;
using Meridian.Config;
using Meridian.Persistence;
using Microsoft.Data.Sqlite;

namespace Meridian.Storage.Sqlite;

/// <summary>Configs in <c>configs</c>, every change in <c>config_history</c>; times are Unix milliseconds (UTC).</summary>
internal sealed class SqliteConfigStore(SqliteDatabase database) : IConfigStore
{
    /// <summary>Rows removed per write transaction while purging, so publishes are never queued behind one long delete.</summary>
    private const int PurgeBatch = 1000;

    private const string HistoryColumns = "version, op, md5, type, who, source_address, changed_at";

    public async Task<ConfigStoreData> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var configs = new List<ConfigItem>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT namespace, grp, data_id, content, type, app_name, tags, description, created_at, modified_at, version FROM configs";
            await using var row = await command.ExecuteReaderAsync(cancellationToken);
            while (await row.ReadAsync(cancellationToken))
            {
                configs.Add(ConfigItem.Create(ReadKey(row), row.GetString(3), ParseType(row.GetString(4)), row.GetString(5), ReadTags(row.GetString(6)),
                    row.GetString(7), Time(row.GetInt64(8)), Time(row.GetInt64(9)), row.GetInt64(10)));
            }
        }

        var lastVersions = new Dictionary<ConfigKey, long>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT namespace, grp, data_id, MAX(version) FROM config_history GROUP BY namespace, grp, data_id";
            await using var row = await command.ExecuteReaderAsync(cancellationToken);
            while (await row.ReadAsync(cancellationToken))
            {
                lastVersions[ReadKey(row)] = row.GetInt64(3);
            }
        }

        return new ConfigStoreData(configs, lastVersions);
    }

    public Task SaveAsync(ConfigItem item, ConfigHistoryEntry change, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, ct) =>
            {
                await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
                await using (var upsert = connection.CreateCommand())
                {
                    upsert.Transaction = tx;
                    upsert.CommandText =
                        "INSERT INTO configs (namespace, grp, data_id, content, md5, type, app_name, tags, description, version, created_at, modified_at) " +
                        "VALUES ($ns, $grp, $dataId, $content, $md5, $type, $appName, $tags, $description, $version, $createdAt, $modifiedAt) " +
                        "ON CONFLICT (namespace, grp, data_id) DO UPDATE SET content = excluded.content, md5 = excluded.md5, type = excluded.type, " +
                        "app_name = excluded.app_name, tags = excluded.tags, description = excluded.description, version = excluded.version, " +
                        "modified_at = excluded.modified_at";
                    BindKey(upsert.Parameters, item.Key);
                    BindItem(upsert.Parameters, item);
                    upsert.Parameters.AddWithValue("$version", item.Version);
                    upsert.Parameters.AddWithValue("$createdAt", item.CreatedAt.ToUnixTimeMilliseconds());
                    upsert.Parameters.AddWithValue("$modifiedAt", item.ModifiedAt.ToUnixTimeMilliseconds());
                    await upsert.ExecuteNonQueryAsync(ct);
                }

                await AppendHistoryAsync(connection, tx, item, change, ct);
                await tx.CommitAsync(ct);
                return 0;
            },
            cancellationToken);

    public Task DeleteAsync(ConfigItem last, ConfigHistoryEntry change, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, ct) =>
            {
                await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
                await using (var delete = connection.CreateCommand())
                {
                    delete.Transaction = tx;
                    delete.CommandText = "DELETE FROM configs WHERE namespace = $ns AND grp = $grp AND data_id = $dataId";
                    BindKey(delete.Parameters, last.Key);
                    await delete.ExecuteNonQueryAsync(ct);
                }

                await AppendHistoryAsync(connection, tx, last, change, ct);
                await tx.CommitAsync(ct);
                return 0;
            },
            cancellationToken);

    public async Task<ConfigHistoryPage> ListHistoryAsync(ConfigKey key, int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT COUNT(*) FROM config_history WHERE namespace = $ns AND grp = $grp AND data_id = $dataId; " +
            $"SELECT {HistoryColumns} FROM config_history WHERE namespace = $ns AND grp = $grp AND data_id = $dataId " +
            "ORDER BY version DESC LIMIT $limit OFFSET $offset";
        BindKey(command.Parameters, key);
        command.Parameters.AddWithValue("$limit", limit);
        command.Parameters.AddWithValue("$offset", offset);
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        await row.ReadAsync(cancellationToken);
        var total = row.GetInt32(0);
        await row.NextResultAsync(cancellationToken);
        var items = new List<ConfigHistoryEntry>();
        while (await row.ReadAsync(cancellationToken))
        {
            items.Add(ReadEntry(key, row));
        }

        return new ConfigHistoryPage(total, items);
    }

    public async Task<ConfigHistoryRecord?> GetHistoryAsync(ConfigKey key, long version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {HistoryColumns}, content, app_name, tags, description FROM config_history " +
            "WHERE namespace = $ns AND grp = $grp AND data_id = $dataId AND version = $version";
        BindKey(command.Parameters, key);
        command.Parameters.AddWithValue("$version", version);
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        return await row.ReadAsync(cancellationToken)
            ? new ConfigHistoryRecord(ReadEntry(key, row), row.GetString(7), row.GetString(8), ReadTags(row.GetString(9)), row.GetString(10))
            : null;
    }

    public async Task<int> PurgeHistoryAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var removed = await database.WriteAsync(
                async (connection, ct) =>
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText =
                        "DELETE FROM config_history WHERE id IN (SELECT id FROM config_history WHERE changed_at < $cutoff LIMIT $batch)";
                    command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
                    command.Parameters.AddWithValue("$batch", PurgeBatch);
                    return await command.ExecuteNonQueryAsync(ct);
                },
                cancellationToken);
            total += removed;
            if (removed < PurgeBatch)
            {
                return total;
            }
        }
    }

    private static async Task AppendHistoryAsync(SqliteConnection connection, SqliteTransaction tx, ConfigItem item, ConfigHistoryEntry change,
        CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText =
            "INSERT INTO config_history (namespace, grp, data_id, version, op, content, md5, type, app_name, tags, description, who, source_address, changed_at) " +
            "VALUES ($ns, $grp, $dataId, $version, $op, $content, $md5, $type, $appName, $tags, $description, $who, $source, $changedAt)";
        BindKey(insert.Parameters, change.Key);
        BindItem(insert.Parameters, item);
        insert.Parameters.AddWithValue("$version", change.Version);
        insert.Parameters.AddWithValue("$op", OperationName(change.Operation));
        insert.Parameters.AddWithValue("$who", change.User);
        insert.Parameters.AddWithValue("$source", change.SourceAddress);
        insert.Parameters.AddWithValue("$changedAt", change.ChangedAt.ToUnixTimeMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void BindKey(SqliteParameterCollection p, ConfigKey key)
    {
        p.AddWithValue("$ns", key.Namespace);
        p.AddWithValue("$grp", key.Group);
        p.AddWithValue("$dataId", key.DataId);
    }

    private static void BindItem(SqliteParameterCollection p, ConfigItem item)
    {
        p.AddWithValue("$content", item.Content);
        p.AddWithValue("$md5", item.Md5);
        p.AddWithValue("$type", ConfigTypes.Name(item.Type));
        p.AddWithValue("$appName", item.AppName);
        p.AddWithValue("$tags", JsonSerializer.Serialize(item.Tags, SqliteJson.Options));
        p.AddWithValue("$description", item.Description);
    }

    private static ConfigHistoryEntry ReadEntry(ConfigKey key, SqliteDataReader row) => new(
        key, row.GetInt64(0), ParseOperation(row.GetString(1)), row.GetString(2), ParseType(row.GetString(3)), row.GetString(4),
        row.GetString(5), Time(row.GetInt64(6)));

    private static ConfigKey ReadKey(SqliteDataReader row) => new(row.GetString(0), row.GetString(1), row.GetString(2));

    private static string[] ReadTags(string json) => JsonSerializer.Deserialize<string[]>(json, SqliteJson.Options) ?? [];

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    private static ConfigType ParseType(string name) =>
        ConfigTypes.TryParse(name, out var type) ? type : throw new InvalidDataException($"Unknown config type '{name}' in the database.");

    private static string OperationName(ConfigOperation operation) => operation switch
    {
        ConfigOperation.Publish => "publish",
        ConfigOperation.Delete => "delete",
        ConfigOperation.Rollback => "rollback",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    private static ConfigOperation ParseOperation(string name) => name switch
    {
        "publish" => ConfigOperation.Publish,
        "delete" => ConfigOperation.Delete,
        "rollback" => ConfigOperation.Rollback,
        _ => throw new InvalidDataException($"Unknown config history operation '{name}' in the database."),
    };
}
