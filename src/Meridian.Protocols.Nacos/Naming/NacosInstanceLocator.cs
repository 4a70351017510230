using Meridian.Naming;

namespace Meridian.Protocols.Nacos.Naming;

/// <summary>
/// Finds an instance the way Nacos addresses it, by ip, port and cluster, whatever its id: an instance registered
/// through another protocol (Eureka ids look like <c>host:app:port</c>) is the same instance to a Nacos client.
/// </summary>
internal static class NacosInstanceLocator
{
    public static Instance? Find(ServiceSnapshot? snapshot, string ip, int port, string cluster)
    {
        if (snapshot is null)
        {
            return null;
        }

        foreach (var instance in snapshot.Instances)
        {
            if (instance.Port == port && string.Equals(instance.Ip, ip, StringComparison.Ordinal) &&
                string.Equals(instance.Cluster, cluster, StringComparison.Ordinal))
            {
                return instance;
            }
        }

        return null;
    }

    public static string Cluster(string? clusterName) => string.IsNullOrWhiteSpace(clusterName) ? ServiceKey.DefaultCluster : clusterName;
}
