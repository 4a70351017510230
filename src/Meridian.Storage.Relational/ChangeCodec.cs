using System.Text.Json;
using Meridian.Changes;
using Meridian.Config;
using Meridian.Namespaces;
using Meridian.Naming;

namespace Meridian.Storage.Relational;

/// <summary>One change-log row: its kind, the key it is about (as columns, so rows can be joined and filtered), and a JSON body.</summary>
internal readonly record struct LogRow(string Kind, string Namespace, string Group, string Name, string Item, long Version, string Body);

/// <summary>How changes are written into <c>change_log</c> rows and read back. Config content is not repeated: it is in history.</summary>
internal static class ChangeCodec
{
    public const string NamespaceSavedKind = "namespace.saved";
    public const string NamespaceRemovedKind = "namespace.removed";
    public const string ServiceSavedKind = "service.saved";
    public const string ServiceRemovedKind = "service.removed";
    public const string InstanceSavedKind = "instance.saved";
    public const string InstanceRemovedKind = "instance.removed";
    public const string ConfigSavedKind = "config.saved";
    public const string ConfigRemovedKind = "config.removed";

    private sealed record InstanceSavedBody(Instance Instance, string? Owner, InstanceSaveReason Reason, bool Created);

    private sealed record InstanceRemovedBody(Instance Instance, InstanceRemovalReason Reason);

    public static LogRow Encode(Change change) => change switch
    {
        NamespaceSaved c => new(NamespaceSavedKind, c.Namespace.Id, "", "", "", 0, Json(c.Namespace)),
        NamespaceRemoved c => new(NamespaceRemovedKind, c.Id, "", "", "", 0, "{}"),
        ServiceSaved c => new(ServiceSavedKind, c.Key.Namespace, c.Key.Group, c.Key.Name, "", 0, Json(c.Definition)),
        ServiceRemoved c => new(ServiceRemovedKind, c.Key.Namespace, c.Key.Group, c.Key.Name, "", 0, "{}"),
        InstanceSaved c => new(InstanceSavedKind, c.Key.Namespace, c.Key.Group, c.Key.Name, c.Instance.InstanceId, 0,
            Json(new InstanceSavedBody(c.Instance, c.Owner, c.Reason, c.Created))),
        InstanceRemoved c => new(InstanceRemovedKind, c.Key.Namespace, c.Key.Group, c.Key.Name, c.Instance.InstanceId, 0,
            Json(new InstanceRemovedBody(c.Instance, c.Reason))),
        ConfigSaved c => new(ConfigSavedKind, c.Item.Key.Namespace, c.Item.Key.Group, c.Item.Key.DataId, "", c.Entry.Version, "{}"),
        ConfigRemoved c => new(ConfigRemovedKind, c.Last.Key.Namespace, c.Last.Key.Group, c.Last.Key.DataId, "", c.Entry.Version, "{}"),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "This change kind has no stored form."),
    };

    /// <param name="history">The config history row of the same version, for config changes; null for the others.</param>
    public static Change Decode(LogRow row, long revision, DateTimeOffset at, ConfigHistoryRecord? history)
    {
        Change change = row.Kind switch
        {
            NamespaceSavedKind => new NamespaceSaved(Read<NamespaceInfo>(row.Body)),
            NamespaceRemovedKind => new NamespaceRemoved(row.Namespace),
            ServiceSavedKind => new ServiceSaved(ServiceKeyOf(row), Read<ServiceDefinition>(row.Body)),
            ServiceRemovedKind => new ServiceRemoved(ServiceKeyOf(row)),
            InstanceSavedKind => InstanceSavedOf(row),
            InstanceRemovedKind => InstanceRemovedOf(row),
            ConfigSavedKind => new ConfigSaved(ItemOf(row, history, revision, at), EntryOf(row, history, at)),
            ConfigRemovedKind => new ConfigRemoved(ItemOf(row, history, revision, at), EntryOf(row, history, at)),
            _ => throw new InvalidDataException($"Unknown change kind '{row.Kind}' at revision {revision} in the database."),
        };
        return change with { Revision = revision, At = at };
    }

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, StoredJson.Options);

    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, StoredJson.Options) ?? throw new InvalidDataException($"A stored {typeof(T).Name} is empty.");

    private static InstanceSaved InstanceSavedOf(LogRow row)
    {
        var body = Read<InstanceSavedBody>(row.Body);
        return new InstanceSaved(ServiceKeyOf(row), body.Instance, body.Owner, body.Reason, body.Created);
    }

    private static InstanceRemoved InstanceRemovedOf(LogRow row)
    {
        var body = Read<InstanceRemovedBody>(row.Body);
        return new InstanceRemoved(ServiceKeyOf(row), body.Instance, body.Reason);
    }

    private static ServiceKey ServiceKeyOf(LogRow row) => new(row.Namespace, row.Group, row.Name);

    private static ConfigItem ItemOf(LogRow row, ConfigHistoryRecord? history, long revision, DateTimeOffset at) =>
        ConfigItem.Create(new ConfigKey(row.Namespace, row.Group, row.Name), history?.Content ?? "", history?.Entry.Type ?? ConfigType.Text,
            history?.AppName, history?.Tags, history?.Description, at, at, row.Version, revision);

    private static ConfigHistoryEntry EntryOf(LogRow row, ConfigHistoryRecord? history, DateTimeOffset at) =>
        history?.Entry ?? new ConfigHistoryEntry(new ConfigKey(row.Namespace, row.Group, row.Name), row.Version,
            row.Kind == ConfigRemovedKind ? ConfigOperation.Delete : ConfigOperation.Publish, "", ConfigType.Text, "", "", at);
}
