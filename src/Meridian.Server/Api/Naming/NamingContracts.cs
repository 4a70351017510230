using Meridian.Naming;

namespace Meridian.Server.Api.Naming;

public sealed record NamespaceRequest(string Id, string? Name, string? Description);

public sealed record NamespaceUpdateRequest(string? Name, string? Description);

public sealed record NamespaceResponse(string Id, string Name, string Description, int ServiceCount, int ConfigCount = 0);

/// <summary>What keeps one instance registered: <c>heartbeat</c> (ephemeral, renewed by its client's calls), <c>connection</c> (ephemeral, held by a client connection) or <c>probe</c> (persistent, checked by the server).</summary>
public sealed record InstanceLivenessResponse(string InstanceId, string KeptAliveBy);

public sealed record ServiceRequest(
    double? ProtectThreshold,
    Dictionary<string, string>? Metadata,
    Dictionary<string, ClusterRequest>? Clusters);

public sealed record ClusterRequest(HealthCheckRequest? HealthCheck, Dictionary<string, string>? Metadata);

public sealed record HealthCheckRequest(HealthCheckType? Type, string? Path, int? Port);

public sealed record ServiceResponse(
    string Namespace,
    string Group,
    string Name,
    double ProtectThreshold,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, ClusterDefinition> Clusters,
    int InstanceCount,
    int HealthyInstanceCount,
    long Revision,
    string Checksum,
    bool ReachedProtectThreshold)
{
    public static ServiceResponse From(ServiceSnapshot s) => new(
        s.Key.Namespace, s.Key.Group, s.Key.Name, s.Definition.ProtectThreshold, s.Definition.Metadata, s.Definition.Clusters,
        s.Instances.Length, s.HealthyCount, s.Revision, s.Checksum, s.ReachedProtectThreshold);
}

/// <summary>
/// One client following a service's changes: its address, how (<c>grpc</c>: a Meridian client connection, <c>nacos-grpc</c>:
/// a Nacos 2.x connection, <c>nacos-udp</c>: a Nacos 1.x client polling with a UDP port), its id and agent, and since when.
/// </summary>
public sealed record ServiceSubscriberResponse(string Address, string Protocol, string ClientId, string Agent, DateTimeOffset Since);

public sealed record ServicePageResponse(int Total, int PageNo, int PageSize, IReadOnlyList<ServiceResponse> Items);

public sealed record RegisterInstanceRequest(
    string? Ip,
    int Port,
    double? Weight,
    bool? Healthy,
    bool? Enabled,
    bool? Ephemeral,
    string? Cluster,
    Dictionary<string, string>? Metadata,
    string? InstanceId);

public sealed record UpdateInstanceRequest(double? Weight, bool? Enabled, Dictionary<string, string>? Metadata);

public sealed record InstanceListResponse(
    string Namespace,
    string Group,
    string Service,
    long Revision,
    string Checksum,
    bool ReachedProtectThreshold,
    IReadOnlyList<Instance> Instances);

public sealed record HeartbeatResponse(long ClientBeatIntervalMs);
