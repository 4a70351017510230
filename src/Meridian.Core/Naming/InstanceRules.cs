using System.Globalization;
using Meridian.Validation;

namespace Meridian.Naming;

/// <summary>What a registration, a patch or a service setting must satisfy, and how defaults are filled in.</summary>
public static class InstanceRules
{
    public static Instance Build(ServiceKey key, InstanceRegistration r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var errors = ValidateKey(key, throwNow: false);
        Rules.Host(errors, "ip", r.Ip);
        Rules.Port(errors, "port", r.Port);
        Rules.Weight(errors, "weight", r.Weight);
        Rules.Metadata(errors, "metadata", r.Metadata);
        var cluster = string.IsNullOrEmpty(r.Cluster) ? ServiceKey.DefaultCluster : r.Cluster;
        Rules.Name(errors, "cluster", cluster);
        if (r.InstanceId is { } id && (id.Length == 0 || id.Length > 512))
        {
            errors.Add("instanceId", "'instanceId' must be 1..512 characters, or left out to use ip#port#cluster#group@@service.");
        }
        else if (r.InstanceId is { } text && Rules.Unwritable(text) is var at and >= 0)
        {
            errors.Add("instanceId", $"'instanceId' holds U+{(int)text[at]:X4} at position {at + 1}, which not every protocol can carry (Eureka's XML cannot); leave out control characters, U+FFFE, U+FFFF and unpaired surrogates.");
        }

        foreach (var preserved in (ReadOnlySpan<string>)[PreservedMetadata.HeartbeatTimeout, PreservedMetadata.DeleteTimeout, PreservedMetadata.HeartbeatInterval])
        {
            if (r.Metadata?.TryGetValue(preserved, out var text) == true &&
                !(long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0))
            {
                errors.Add("metadata", $"'{preserved}' must be a positive number of milliseconds; got '{text}'.");
            }
        }

        errors.ThrowIfAny();
        return new Instance
        {
            InstanceId = r.InstanceId ?? Instance.DefaultId(r.Ip, r.Port, cluster, key),
            Ip = r.Ip,
            Port = r.Port,
            Weight = r.Weight ?? 1,
            Healthy = r.Healthy ?? true,
            Enabled = r.Enabled ?? true,
            Ephemeral = r.Ephemeral ?? true,
            Cluster = cluster,
            Metadata = r.Metadata is null ? Instance.EmptyMetadata : new Dictionary<string, string>(r.Metadata, StringComparer.Ordinal),
        };
    }

    public static void ValidatePatch(InstancePatch patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var errors = new ValidationErrors();
        Rules.Weight(errors, "weight", patch.Weight);
        Rules.Metadata(errors, "metadata", patch.Metadata);
        errors.ThrowIfAny();
    }

    public static Instance ApplyPatch(Instance current, InstancePatch patch) => current with
    {
        Weight = patch.Weight ?? current.Weight,
        Enabled = patch.Enabled ?? current.Enabled,
        Metadata = patch.Metadata is null ? current.Metadata : new Dictionary<string, string>(patch.Metadata, StringComparer.Ordinal),
    };

    public static void ValidateKey(ServiceKey key) => ValidateKey(key, throwNow: true);

    public static void ValidateDefinition(ServiceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new ValidationErrors();
        Rules.ProtectThreshold(errors, "protectThreshold", definition.ProtectThreshold);
        Rules.Metadata(errors, "metadata", definition.Metadata);
        foreach (var (name, cluster) in definition.Clusters)
        {
            Rules.Name(errors, "clusters", name);
            if (cluster.HealthCheck.Port is { } port)
            {
                Rules.Port(errors, $"clusters.{name}.healthCheck.port", port);
            }

            if (cluster.HealthCheck.Type == HealthCheckType.Http && !cluster.HealthCheck.Path.StartsWith('/'))
            {
                errors.Add($"clusters.{name}.healthCheck.path", "The HTTP health check path must start with '/'.");
            }

            Rules.Metadata(errors, $"clusters.{name}.metadata", cluster.Metadata);
        }

        errors.ThrowIfAny();
    }

    /// <summary>True when the two carry the same values a reader can see.</summary>
    public static bool Same(Instance a, Instance b) =>
        a.Ip == b.Ip && a.Port == b.Port && a.Weight.Equals(b.Weight) && a.Healthy == b.Healthy && a.Enabled == b.Enabled &&
        a.Ephemeral == b.Ephemeral && a.Cluster == b.Cluster && a.Metadata.Count == b.Metadata.Count &&
        a.Metadata.All(p => b.Metadata.TryGetValue(p.Key, out var v) && v == p.Value);

    public static NotFoundException ServiceNotFound(ServiceKey key) =>
        new($"Service '{key.Name}' in group '{key.Group}' of namespace '{key.Namespace}' does not exist.");

    public static NotFoundException InstanceNotFound(ServiceKey key, string instanceId) =>
        new($"Instance '{instanceId}' is not registered in service '{key.Name}' (group '{key.Group}', namespace '{key.Namespace}').");

    private static ValidationErrors ValidateKey(ServiceKey key, bool throwNow)
    {
        var errors = new ValidationErrors();
        Rules.Name(errors, "namespace", key.Namespace);
        Rules.Name(errors, "group", key.Group);
        Rules.Name(errors, "service", key.Name);
        if (throwNow)
        {
            errors.ThrowIfAny();
        }

        return errors;
    }
}
