using System.Text.Json;
using Meridian.Naming;

namespace Meridian.Protocols.Nacos.Naming;

/// <summary>What one <c>/instance/list</c> asks for; the same request shape is replayed for UDP pushes.</summary>
internal readonly record struct NacosListQuery(ServiceKey Key, string Clusters, bool HealthyOnly, bool GroupedNames)
{
    /// <summary>Computed on use rather than stored, so two equal queries stay equal (arrays compare by reference).</summary>
    public string[]? ClusterNames() =>
        string.IsNullOrWhiteSpace(Clusters) ? null : Clusters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// Writes the Nacos 1.x instance list (<c>doSrvIpxt</c>) field by field. Clients key their cache on <c>name</c> and
/// <c>clusters</c> from this answer, so <c>name</c> is always <c>GROUP@@service</c> and <c>clusters</c> echoes the request
/// exactly. Disabled instances are left out, as Nacos does.
/// </summary>
internal static class NacosInstanceList
{
    public static void Write(Utf8JsonWriter w, NacosListQuery query, ServiceSnapshot? snapshot, long cacheMillis, long nowMillis)
    {
        var grouped = query.Key.GroupedName;
        var shownName = query.GroupedNames ? grouped : query.Key.Name;
        w.WriteStartObject();
        w.WriteStartArray("hosts");
        if (snapshot is not null)
        {
            var list = RegistryProjection.Select(snapshot, new InstanceFilter(query.HealthyOnly, query.ClusterNames()));
            foreach (var instance in list.Instances)
            {
                if (instance.Enabled)
                {
                    WriteHost(w, instance, shownName, list.ReachedProtectThreshold || instance.Healthy);
                }
            }
        }

        w.WriteEndArray();
        w.WriteString("dom", shownName);
        w.WriteString("name", grouped);
        w.WriteNumber("cacheMillis", cacheMillis);
        w.WriteNumber("lastRefTime", nowMillis);
        w.WriteString("checksum", snapshot?.Checksum ?? "");
        w.WriteBoolean("useSpecifiedURL", false);
        w.WriteString("clusters", query.Clusters);
        w.WriteString("env", "");
        NacosMetadata.Write(w, "metadata", snapshot?.Definition.Metadata ?? new Dictionary<string, string>(0));
        w.WriteEndObject();
    }

    private static void WriteHost(Utf8JsonWriter w, Instance instance, string serviceName, bool healthy)
    {
        w.WriteStartObject();
        w.WriteString("ip", instance.Ip);
        w.WriteNumber("port", instance.Port);
        w.WriteBoolean("valid", healthy);
        w.WriteBoolean("healthy", healthy);
        w.WriteBoolean("marked", false);
        w.WriteString("instanceId", instance.InstanceId);
        NacosMetadata.Write(w, "metadata", instance.Metadata);
        w.WriteBoolean("enabled", instance.Enabled);
        WriteWeight(w, instance.Weight);
        w.WriteString("clusterName", instance.Cluster);
        w.WriteString("serviceName", serviceName);
        w.WriteBoolean("ephemeral", instance.Ephemeral);
        w.WriteEndObject();
    }

    /// <summary>Java writes doubles with a decimal point (<c>1.0</c>); strict Java readers accept either, so keep Java's form.</summary>
    private static void WriteWeight(Utf8JsonWriter w, double weight)
    {
        w.WritePropertyName("weight");
        if (weight == Math.Floor(weight) && Math.Abs(weight) < 1e15)
        {
            w.WriteRawValue(((long)weight).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".0", skipInputValidation: true);
        }
        else
        {
            w.WriteNumberValue(weight);
        }
    }
}
