using System.Text.Json;
using Meridian.Naming;
using Meridian.Protocols.Nacos.Naming;

namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>
/// Writes a Nacos 2.x <c>ServiceInfo</c>: the service's bare name and group, the clusters asked for, and its enabled
/// instances (healthy ones only when asked, unless the protect threshold is reached). Every field strict clients
/// require is present, and <c>hosts</c> is always an array: a missing one reads as a broken push.
/// </summary>
internal static class NacosServiceInfo
{
    public static void Write(Utf8JsonWriter w, string propertyName, ServiceKey key, ServiceSnapshot? snapshot, string clusters, bool healthyOnly, long nowMillis)
    {
        w.WriteStartObject(propertyName);
        w.WriteString("name", key.Name);
        w.WriteString("groupName", key.Group);
        w.WriteString("clusters", clusters);
        w.WriteNumber("cacheMillis", 10_000);
        w.WriteNumber("lastRefTime", nowMillis);
        w.WriteString("checksum", snapshot?.Checksum ?? "");
        w.WriteBoolean("allIPs", false);
        var reached = false;
        w.WriteStartArray("hosts");
        if (snapshot is not null)
        {
            var names = string.IsNullOrWhiteSpace(clusters) ? null : clusters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var list = RegistryProjection.Select(snapshot, new InstanceFilter(healthyOnly, names));
            reached = list.ReachedProtectThreshold;
            foreach (var instance in list.Instances)
            {
                if (instance.Enabled)
                {
                    WriteHost(w, instance, key.GroupedName);
                }
            }
        }

        w.WriteEndArray();
        w.WriteBoolean("reachProtectionThreshold", reached);
        w.WriteBoolean("valid", true);
        w.WriteEndObject();
    }

    private static void WriteHost(Utf8JsonWriter w, Instance instance, string groupedName)
    {
        w.WriteStartObject();
        w.WriteString("instanceId", instance.InstanceId);
        w.WriteString("ip", instance.Ip);
        w.WriteNumber("port", instance.Port);
        w.WriteNumber("weight", instance.Weight);
        w.WriteBoolean("healthy", instance.Healthy);
        w.WriteBoolean("enabled", instance.Enabled);
        w.WriteBoolean("ephemeral", instance.Ephemeral);
        w.WriteString("clusterName", instance.Cluster);
        w.WriteString("serviceName", groupedName);
        NacosMetadata.Write(w, "metadata", instance.Metadata);
        w.WriteEndObject();
    }
}
