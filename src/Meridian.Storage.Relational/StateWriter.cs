using Meridian.Changes;
using Meridian.Naming;

namespace Meridian.Storage.Relational;

/// <summary>
/// Writes the state rows of one committed change and queues its log row. Every row carries the revision of its last
/// change, which is what <see cref="RevisionIs"/> preconditions compare; a service's row also moves with every change
/// of its instances (once per batch, through <see cref="RelationalBatch.Touch"/>).
/// </summary>
internal static class StateWriter
{
    public static async Task WriteAsync(RelationalBatch batch, Change change, CancellationToken ct)
    {
        var s = batch.Statements;
        batch.Log(change);
        switch (change)
        {
            case NamespaceSaved c:
                await s.WriteAsync(
                    "INSERT INTO namespaces (id, name, description, revision) VALUES (@id, @name, @description, @revision) " +
                    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, revision = excluded.revision",
                    ct, ("@id", c.Namespace.Id), ("@name", c.Namespace.Name), ("@description", c.Namespace.Description ?? ""), ("@revision", c.Revision));
                batch.Wrote(EntityRef.OfNamespace(c.Namespace.Id), c.Revision);
                break;

            case NamespaceRemoved c:
                await s.WriteAsync("DELETE FROM namespaces WHERE id = @ns", ct, ("@ns", c.Id));
                await s.WriteAsync("DELETE FROM services WHERE namespace = @ns AND explicit = 0", ct, ("@ns", c.Id));
                batch.Wrote(EntityRef.OfNamespace(c.Id), 0);
                batch.Untouch(key => key.Namespace == c.Id);
                break;

            case ServiceSaved c:
                await s.WriteAsync(
                    "INSERT INTO services (namespace, grp, name, definition, revision, explicit) VALUES (@ns, @grp, @name, @definition, @revision, 1) " +
                    "ON CONFLICT (namespace, grp, name) DO UPDATE SET definition = excluded.definition, revision = excluded.revision, explicit = 1",
                    ct, ("@ns", c.Key.Namespace), ("@grp", c.Key.Group), ("@name", c.Key.Name), ("@definition", ChangeCodec.Json(c.Definition)),
                    ("@revision", c.Revision));
                batch.Wrote(EntityRef.OfService(c.Key), c.Revision);
                break;

            case ServiceRemoved c:
                await s.WriteAsync("DELETE FROM services WHERE namespace = @ns AND grp = @grp AND name = @name", ct,
                    ("@ns", c.Key.Namespace), ("@grp", c.Key.Group), ("@name", c.Key.Name));
                batch.Wrote(EntityRef.OfService(c.Key), 0);
                batch.Untouch(key => key == c.Key);
                break;

            case InstanceSaved c:
                await s.WriteAsync(
                    "INSERT INTO instances (namespace, grp, service, instance_id, body, revision, ephemeral, owner) " +
                    "VALUES (@ns, @grp, @name, @id, @body, @revision, @ephemeral, @owner) " +
                    "ON CONFLICT (namespace, grp, service, instance_id) DO UPDATE SET body = excluded.body, revision = excluded.revision, " +
                    "ephemeral = excluded.ephemeral, owner = excluded.owner",
                    ct, ("@ns", c.Key.Namespace), ("@grp", c.Key.Group), ("@name", c.Key.Name), ("@id", c.Instance.InstanceId),
                    ("@body", ChangeCodec.Json(c.Instance)), ("@revision", c.Revision), ("@ephemeral", c.Instance.Ephemeral ? 1 : 0), ("@owner", c.Owner));
                batch.Wrote(EntityRef.OfInstance(c.Key, c.Instance.InstanceId), c.Revision);
                batch.Touch(c.Key, c.Revision, makesExplicit: !c.Instance.Ephemeral);
                break;

            case InstanceRemoved c:
                await s.WriteAsync("DELETE FROM instances WHERE namespace = @ns AND grp = @grp AND service = @name AND instance_id = @id", ct,
                    ("@ns", c.Key.Namespace), ("@grp", c.Key.Group), ("@name", c.Key.Name), ("@id", c.Instance.InstanceId));
                batch.Wrote(EntityRef.OfInstance(c.Key, c.Instance.InstanceId), 0);
                batch.Touch(c.Key, c.Revision, makesExplicit: false);
                break;

            case ConfigSaved c:
            {
                var item = c.Item;
                await s.WriteAsync(
                    "INSERT INTO configs (namespace, grp, data_id, content, md5, type, app_name, tags, description, version, created_at, modified_at, revision, deleted) " +
                    "VALUES (@ns, @grp, @dataId, @content, @md5, @type, @appName, @tags, @description, @version, @createdAt, @modifiedAt, @revision, 0) " +
                    "ON CONFLICT (namespace, grp, data_id) DO UPDATE SET content = excluded.content, md5 = excluded.md5, type = excluded.type, " +
                    "app_name = excluded.app_name, tags = excluded.tags, description = excluded.description, version = excluded.version, " +
                    "created_at = excluded.created_at, modified_at = excluded.modified_at, revision = excluded.revision, deleted = 0",
                    ct, ("@ns", item.Key.Namespace), ("@grp", item.Key.Group), ("@dataId", item.Key.DataId), ("@content", item.Content), ("@md5", item.Md5),
                    ("@type", Meridian.Config.ConfigTypes.Name(item.Type)), ("@appName", item.AppName), ("@tags", ChangeCodec.Json(item.Tags)),
                    ("@description", item.Description), ("@version", item.Version), ("@createdAt", item.CreatedAt.ToUnixTimeMilliseconds()),
                    ("@modifiedAt", item.ModifiedAt.ToUnixTimeMilliseconds()), ("@revision", c.Revision));
                await RelationalConfigHistoryStore.AppendHistoryAsync(s, item, c.Entry, ct);
                batch.Wrote(EntityRef.OfConfig(item.Key), c.Revision);
                break;
            }

            case ConfigRemoved c:
                await s.WriteAsync(
                    "UPDATE configs SET content = '', md5 = '', version = @version, modified_at = @at, revision = @revision, deleted = 1 " +
                    "WHERE namespace = @ns AND grp = @grp AND data_id = @dataId",
                    ct, ("@ns", c.Last.Key.Namespace), ("@grp", c.Last.Key.Group), ("@dataId", c.Last.Key.DataId), ("@version", c.Entry.Version),
                    ("@at", c.Entry.ChangedAt.ToUnixTimeMilliseconds()), ("@revision", c.Revision));
                await RelationalConfigHistoryStore.AppendHistoryAsync(s, c.Last, c.Entry, ct);
                batch.Wrote(EntityRef.OfConfig(c.Last.Key), c.Revision);
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "The SQLite store cannot write this change.");
        }
    }
}
