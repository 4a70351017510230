using System.Text.Json;
using Meridian.Config;
using Meridian.Persistence;
using System.Data.Common;

namespace Meridian.Storage.Relational;

/// <summary>Reads <c>config_history</c>, which the change store writes with every config change; times are Unix milliseconds (UTC).</summary>
internal sealed class RelationalConfigHistoryStore(IRelationalEngine engine) : IConfigHistoryStore
{
    /// <summary>Rows removed per write transaction while purging, so publishes are never queued behind one long delete.</summary>
    private const int PurgeBatch = 1000;

    internal const string HistoryColumns = "version, op, md5, type, who, source_address, changed_at";

    public async Task<ConfigHistoryPage> ListHistoryAsync(ConfigKey key, int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT COUNT(*) FROM config_history WHERE namespace = @ns AND grp = @grp AND data_id = @dataId; " +
            $"SELECT {HistoryColumns} FROM config_history WHERE namespace = @ns AND grp = @grp AND data_id = @dataId " +
            "ORDER BY version DESC LIMIT @limit OFFSET @offset";
        BindKey(command, key);
        command.Bind("@limit", limit);
        command.Bind("@offset", offset);
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        await row.ReadAsync(cancellationToken);
        var total = checked((int)row.GetInt64(0));
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
        await using var connection = await engine.OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {HistoryColumns}, content, app_name, tags, description FROM config_history " +
            "WHERE namespace = @ns AND grp = @grp AND data_id = @dataId AND version = @version";
        BindKey(command, key);
        command.Bind("@version", version);
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        return await row.ReadAsync(cancellationToken)
            ? new ConfigHistoryRecord(ReadEntry(key, row), row.GetString(7), row.GetString(8), ReadTags(row.GetString(9)), row.GetString(10))
            : null;
    }

    public Task<int> PurgeHistoryAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        RelationalDeletes.InBatchesAsync(engine,
            "DELETE FROM config_history WHERE id IN (SELECT id FROM config_history WHERE changed_at < @cutoff LIMIT @batch)",
            cutoff, PurgeBatch, cancellationToken);

    internal static Task AppendHistoryAsync(Statements statements, ConfigItem item, ConfigHistoryEntry change, CancellationToken cancellationToken) =>
        statements.WriteAsync(
            "INSERT INTO config_history (namespace, grp, data_id, version, op, content, md5, type, app_name, tags, description, who, source_address, changed_at) " +
            "VALUES (@ns, @grp, @dataId, @version, @op, @content, @md5, @type, @appName, @tags, @description, @who, @source, @changedAt)",
            cancellationToken,
            ("@ns", change.Key.Namespace), ("@grp", change.Key.Group), ("@dataId", change.Key.DataId), ("@version", change.Version),
            ("@op", OperationName(change.Operation)), ("@content", item.Content), ("@md5", item.Md5), ("@type", ConfigTypes.Name(item.Type)),
            ("@appName", item.AppName), ("@tags", JsonSerializer.Serialize(item.Tags, StoredJson.Options)), ("@description", item.Description),
            ("@who", change.User), ("@source", change.SourceAddress), ("@changedAt", change.ChangedAt.ToUnixTimeMilliseconds()));

    internal static void BindKey(DbCommand command, ConfigKey key)
    {
        command.Bind("@ns", key.Namespace);
        command.Bind("@grp", key.Group);
        command.Bind("@dataId", key.DataId);
    }

    internal static ConfigHistoryEntry ReadEntry(ConfigKey key, DbDataReader row) => new(
        key, row.GetInt64(0), ParseOperation(row.GetString(1)), row.GetString(2), ParseType(row.GetString(3)), row.GetString(4),
        row.GetString(5), Time(row.GetInt64(6)));

    internal static ConfigKey ReadKey(DbDataReader row) => new(row.GetString(0), row.GetString(1), row.GetString(2));

    internal static string[] ReadTags(string json) => JsonSerializer.Deserialize<string[]>(json, StoredJson.Options) ?? [];

    internal static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    internal static ConfigType ParseType(string name) =>
        ConfigTypes.TryParse(name, out var type) ? type : throw new InvalidDataException($"Unknown config type '{name}' in the database.");

    internal static string OperationName(ConfigOperation operation) => operation switch
    {
        ConfigOperation.Publish => "publish",
        ConfigOperation.Delete => "delete",
        ConfigOperation.Rollback => "rollback",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    internal static ConfigOperation ParseOperation(string name) => name switch
    {
        "publish" => ConfigOperation.Publish,
        "delete" => ConfigOperation.Delete,
        "rollback" => ConfigOperation.Rollback,
        _ => throw new InvalidDataException($"Unknown config history operation '{name}' in the database."),
    };
}
