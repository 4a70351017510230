using Meridian.Changes;
using Meridian.Config;
using Meridian.Contracts.V1;
using Meridian.Naming;
using Instance = Meridian.Naming.Instance;

namespace Meridian.Protocols.Native;

/// <summary>Builds the wire form of registry state.</summary>
internal static class PushMessages
{
    public static PushFrame ServiceFrame(ServiceSnapshot snapshot, bool removed)
    {
        var push = new ServicePush
        {
            Service = Ref(snapshot.Key),
            Revision = snapshot.Revision,
            Checksum = snapshot.Checksum,
            Removed = removed,
            ProtectThreshold = snapshot.Definition.ProtectThreshold,
        };
        foreach (var instance in snapshot.Instances)
        {
            push.Instances.Add(ToWire(instance));
        }

        return PushFrame.Of(new ServerMessage { ServicePush = push }, snapshot.Revision);
    }

    /// <summary>
    /// The changes of a service after <paramref name="baseRevision"/>, folded to the last state of each instance they touch,
    /// ending at <paramref name="snapshot"/>'s revision.
    /// </summary>
    public static PushFrame DeltaFrame(ServiceSnapshot snapshot, long baseRevision, IReadOnlyList<Change> changes)
    {
        var touched = new Dictionary<string, Instance?>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            switch (change)
            {
                case InstanceSaved saved:
                    touched[saved.Instance.InstanceId] = saved.Instance;
                    break;
                case InstanceRemoved removed:
                    touched[removed.Instance.InstanceId] = null;
                    break;
            }
        }

        var delta = new ServiceDelta
        {
            Service = Ref(snapshot.Key),
            BaseRevision = baseRevision,
            Revision = snapshot.Revision,
            Checksum = snapshot.Checksum,
            ProtectThreshold = snapshot.Definition.ProtectThreshold,
        };
        foreach (var (id, instance) in touched)
        {
            if (instance is null)
            {
                delta.Removed.Add(id);
            }
            else
            {
                delta.Upserted.Add(ToWire(instance));
            }
        }

        return PushFrame.Of(new ServerMessage { ServiceDelta = delta }, snapshot.Revision);
    }

    /// <summary>A service nobody has registered yet: empty, at the current revision so it supersedes anything older.</summary>
    public static PushFrame MissingServiceFrame(ServiceKey key, long revision) =>
        PushFrame.Of(new ServerMessage { ServicePush = new ServicePush { Service = Ref(key), Revision = revision, Removed = true } }, revision);

    public static PushFrame ConfigFrame(ConfigItem item, bool removed)
    {
        var revision = removed ? item.Version + 1 : item.Version;
        var push = new ConfigPush
        {
            Config = Ref(item.Key),
            Revision = revision,
            Md5 = removed ? ConfigMd5.Absent : item.Md5,
            Content = removed ? "" : item.Content,
            ContentType = ConfigTypes.Name(item.Type),
            Removed = removed,
        };
        return PushFrame.Of(new ServerMessage { ConfigPush = push }, revision);
    }

    /// <summary>
    /// A config that does not exist: at the version of its delete, so it supersedes what a client held before, or 0 for
    /// one that never existed, so its first publish (version 1) supersedes it.
    /// </summary>
    public static PushFrame MissingConfigFrame(ConfigKey key, long revision) =>
        PushFrame.Of(new ServerMessage { ConfigPush = new ConfigPush { Config = Ref(key), Revision = revision, Md5 = ConfigMd5.Absent, Removed = true } }, revision);

    public static ConfigRef Ref(ConfigKey key) => new() { Namespace = key.Namespace, Group = key.Group, DataId = key.DataId };

    public static ConfigKey Key(ConfigRef? config) =>
        new(
            string.IsNullOrEmpty(config?.Namespace) ? ServiceKey.DefaultNamespace : config.Namespace,
            string.IsNullOrEmpty(config?.Group) ? ConfigKey.DefaultGroup : config.Group,
            config?.DataId ?? "");

    public static ServiceRef Ref(ServiceKey key) => new() { Namespace = key.Namespace, Group = key.Group, Service = key.Name };

    public static ServiceKey Key(ServiceRef? service) =>
        new(
            string.IsNullOrEmpty(service?.Namespace) ? ServiceKey.DefaultNamespace : service.Namespace,
            string.IsNullOrEmpty(service?.Group) ? ServiceKey.DefaultGroup : service.Group,
            service?.Service ?? "");

    public static InstanceRegistration ToRegistration(RegisterInstance r) => new()
    {
        InstanceId = string.IsNullOrEmpty(r.InstanceId) ? null : r.InstanceId,
        Ip = r.Ip,
        Port = r.Port,
        Weight = r.HasWeight ? r.Weight : null,
        Healthy = r.HasHealthy ? r.Healthy : null,
        Enabled = r.HasEnabled ? r.Enabled : null,
        Ephemeral = r.HasEphemeral ? r.Ephemeral : null,
        Cluster = string.IsNullOrEmpty(r.Cluster) ? null : r.Cluster,
        Metadata = r.Metadata.Count == 0 ? null : r.Metadata,
    };

    private static Contracts.V1.Instance ToWire(Instance instance)
    {
        var wire = new Contracts.V1.Instance
        {
            InstanceId = instance.InstanceId,
            Ip = instance.Ip,
            Port = instance.Port,
            Weight = instance.Weight,
            Healthy = instance.Healthy,
            Enabled = instance.Enabled,
            Ephemeral = instance.Ephemeral,
            Cluster = instance.Cluster,
        };
        foreach (var (key, value) in instance.Metadata)
        {
            wire.Metadata.Add(key, value);
        }

        return wire;
    }
}
