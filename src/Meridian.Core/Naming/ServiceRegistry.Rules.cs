using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Meridian.Changes;
using Meridian.Namespaces;
using Meridian.Persistence;
using Meridian.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Naming;

/// <summary>What a registration or a service setting must satisfy, and how defaults and timeouts are derived.</summary>
public sealed partial class ServiceRegistry
{
    private (TimeSpan Heartbeat, TimeSpan Delete) Timeouts(Instance instance) =>
        (Millis(instance, PreservedMetadata.HeartbeatTimeout) ?? _options.HeartbeatTimeout,
         Millis(instance, PreservedMetadata.DeleteTimeout) ?? _options.DeleteTimeout);

    private static TimeSpan? Millis(Instance instance, string key) =>
        instance.Metadata.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : null;

    private static Instance BuildInstance(ServiceKey key, InstanceRegistration r)
    {
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

    private static Instance ApplyPatch(Instance current, InstancePatch patch) => current with
    {
        Weight = patch.Weight ?? current.Weight,
        Enabled = patch.Enabled ?? current.Enabled,
        Metadata = patch.Metadata is null ? current.Metadata : new Dictionary<string, string>(patch.Metadata, StringComparer.Ordinal),
    };

    public static void ValidateKey(ServiceKey key) => ValidateKey(key, throwNow: true);

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

    private static void ValidateDefinition(ServiceDefinition definition)
    {
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

    private static void RejectEphemeralityChange(ServiceEntry entry, Instance instance)
    {
        if (entry.Leases.TryGetValue(instance.InstanceId, out var lease) && lease.Ephemeral != instance.Ephemeral)
        {
            throw new ConflictException(
                $"Instance '{instance.InstanceId}' is registered as {(lease.Ephemeral ? "ephemeral" : "persistent")}; deregister it before registering it as {(instance.Ephemeral ? "ephemeral" : "persistent")}.");
        }
    }

    private static NotFoundException ServiceNotFound(ServiceKey key) =>
        new($"Service '{key.Name}' in group '{key.Group}' of namespace '{key.Namespace}' does not exist.");

    private static NotFoundException InstanceNotFound(ServiceKey key, string instanceId) =>
        new($"Instance '{instanceId}' is not registered in service '{key.Name}' (group '{key.Group}', namespace '{key.Namespace}').");
}
