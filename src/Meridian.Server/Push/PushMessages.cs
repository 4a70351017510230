using Meridian.Contracts.V1;
using Meridian.Naming;
using Instance = Meridian.Naming.Instance;

namespace Meridian.Server.Push;

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

    /// <summary>A service nobody has registered yet: empty, at the current revision so it supersedes anything older.</summary>
    public static PushFrame MissingServiceFrame(ServiceKey key, long revision) =>
        PushFrame.Of(new ServerMessage { ServicePush = new ServicePush { Service = Ref(key), Revision = revision, Removed = true } }, revision);

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
