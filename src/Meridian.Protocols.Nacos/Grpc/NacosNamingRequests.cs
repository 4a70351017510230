using System.Text.Json;
using Meridian.Auth;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Protocols.Nacos.Grpc.Wire;
using Meridian.Protocols.Nacos.Naming;
using Meridian.Protocols.Native;
using Meridian.Validation;

namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>
/// The naming requests of Nacos 2.x clients, over the core commands: ephemeral instances belong to the connection's
/// session (gone after the grace once it drops), persistent ones to nobody. Namespaces and groups map as in the v1 API,
/// and an instance is found by ip, port and cluster whichever protocol registered it.
/// </summary>
internal sealed class NacosNamingRequests(
    RegistryCommands commands,
    RegistryProjection registry,
    InstanceLeases leases,
    NamespaceCommands namespaces,
    NacosPushHub hub,
    TimeProvider time)
{
    public async Task<Payload> InstanceAsync(NacosRequest request, NacosConnection connection, Caller caller, bool ephemeral, CancellationToken ct)
    {
        var key = Key(request);
        var kind = request.String("type") ?? "";
        var instance = request.Body.TryGetProperty("instance", out var i) ? i : default;
        switch (kind)
        {
            case "registerInstance":
                await RegisterAsync(key, instance, connection, caller, ephemeral, ct);
                break;
            case "deregisterInstance":
                await DeregisterAsync(key, instance, caller, ct);
                break;
            default:
                throw Invalid("type", $"'{kind}' is not an instance request type; use 'registerInstance' or 'deregisterInstance'.");
        }

        // Persistent instances are answered with InstanceResponse as well.
        return NacosPayloads.Ok("InstanceResponse", request.RequestId, w => w.WriteString("type", kind));
    }

    /// <summary>
    /// <c>batchRegisterInstance</c> makes the batch this connection's whole set of instances of the service: its
    /// instances left out are deregistered. <c>batchDeregisterInstance</c> removes the ones named.
    /// </summary>
    public async Task<Payload> BatchAsync(NacosRequest request, NacosConnection connection, Caller caller, CancellationToken ct)
    {
        var key = Key(request);
        var kind = request.String("type") ?? "";
        var instances = request.Body.TryGetProperty("instances", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : throw Invalid("instances", "BatchInstanceRequest needs an 'instances' array.");
        switch (kind)
        {
            case "batchRegisterInstance":
                var kept = new HashSet<string>(StringComparer.Ordinal);
                foreach (var instance in instances)
                {
                    kept.Add((await RegisterAsync(key, instance, connection, caller, ephemeral: true, ct)).InstanceId);
                }

                foreach (var (owned, id) in leases.OwnedBy(connection.LeaseOwner))
                {
                    if (owned == key && !kept.Contains(id))
                    {
                        await DeregisterQuietlyAsync(key, id, caller, ct);
                    }
                }

                break;
            case "batchDeregisterInstance":
                foreach (var instance in instances)
                {
                    await DeregisterAsync(key, instance, caller, ct);
                }

                break;
            default:
                throw Invalid("type", $"'{kind}' is not a batch request type; use 'batchRegisterInstance' or 'batchDeregisterInstance'.");
        }

        return NacosPayloads.Ok("BatchInstanceResponse", request.RequestId, w => w.WriteString("type", kind));
    }

    public Payload Query(NacosRequest request, Caller caller)
    {
        var key = Key(request);
        var clusters = Clusters(request.String("cluster"));
        var snapshot = registry.GetService(key, caller);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return NacosPayloads.Ok("QueryServiceResponse", request.RequestId,
            w => NacosServiceInfo.Write(w, "serviceInfo", key, snapshot, clusters, request.Bool("healthyOnly") ?? false, now));
    }

    public Payload List(NacosRequest request, Caller caller)
    {
        var ns = NacosNamespace.Id(request.String("namespace"));
        var group = string.IsNullOrWhiteSpace(request.String("groupName")) ? ServiceKey.DefaultGroup : request.String("groupName")!;
        var pageNo = Math.Max(1, request.Int("pageNo") ?? 1);
        var pageSize = Math.Clamp(request.Int("pageSize") ?? 10, 1, 1000);
        var page = registry.ListServices(ns, group, nameContains: null, pageNo, pageSize, caller);
        return NacosPayloads.Ok("ServiceListResponse", request.RequestId, w =>
        {
            w.WriteNumber("count", page.Total);
            w.WriteStartArray("serviceNames");
            foreach (var service in page.Items)
            {
                w.WriteStringValue(service.Key.Name);
            }

            w.WriteEndArray();
        });
    }

    /// <summary>Follows (or stops following) a service; the answer carries its list filtered to the clusters asked for.</summary>
    public Payload Subscribe(NacosRequest request, NacosConnection connection, Caller caller)
    {
        var key = Key(request);
        InstanceRules.ValidateKey(key);
        caller.Demand(key, AccessActions.Read);
        var clusters = Clusters(request.String("clusters"));
        var topic = PushTopic.Service(key);
        if (request.Bool("subscribe") ?? true)
        {
            hub.Follow(connection, topic, key.Namespace);
        }
        else
        {
            hub.Unfollow(connection, topic);
        }

        var snapshot = registry.GetService(key);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var answer = NacosPayloads.Ok("SubscribeServiceResponse", request.RequestId,
            w => NacosServiceInfo.Write(w, "serviceInfo", key, snapshot, clusters, healthyOnly: false, now));
        if (request.Bool("subscribe") ?? true)
        {
            hub.PushCurrent(connection, key);
        }

        return answer;
    }

    private async Task<Instance> RegisterAsync(ServiceKey key, JsonElement instance, NacosConnection connection, Caller caller, bool ephemeral, CancellationToken ct)
    {
        var registration = Registration(instance, ephemeral);
        await namespaces.EnsureAsync(key.Namespace, caller, ct);
        var existing = NacosInstanceLocator.Find(registry.GetService(key), registration.Ip, registration.Port, registration.Cluster!);
        return await commands.RegisterAsync(key, registration with { InstanceId = existing?.InstanceId }, ephemeral ? connection.LeaseOwner : null, caller, ct);
    }

    private async Task DeregisterAsync(ServiceKey key, JsonElement instance, Caller caller, CancellationToken ct)
    {
        var registration = Registration(instance, ephemeral: true);
        if (NacosInstanceLocator.Find(registry.GetService(key), registration.Ip, registration.Port, registration.Cluster!) is { } found)
        {
            await DeregisterQuietlyAsync(key, found.InstanceId, caller, ct);
        }
        else
        {
            // Nacos answers ok for an instance it does not know, once the caller may write the service.
            caller.Demand(key, AccessActions.Write);
        }
    }

    private async Task DeregisterQuietlyAsync(ServiceKey key, string instanceId, Caller caller, CancellationToken ct)
    {
        try
        {
            await commands.DeregisterAsync(key, instanceId, caller, ct);
        }
        catch (NotFoundException)
        {
            // Gone in the meantime.
        }
    }

    private static InstanceRegistration Registration(JsonElement instance, bool ephemeral)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("instance", "The request needs an 'instance' object with at least 'ip' and 'port'.");
        }

        var ip = NacosRequest.String(instance, "ip");
        var port = NacosRequest.Int(instance, "port");
        if (string.IsNullOrWhiteSpace(ip) || port is null)
        {
            throw Invalid("instance", "The instance needs 'ip' and 'port'.");
        }

        return new InstanceRegistration
        {
            Ip = ip,
            Port = port.Value,
            Cluster = NacosInstanceLocator.Cluster(NacosRequest.String(instance, "clusterName")),
            Weight = NacosRequest.Double(instance, "weight"),
            Healthy = NacosRequest.Bool(instance, "healthy"),
            Enabled = NacosRequest.Bool(instance, "enabled"),
            Ephemeral = ephemeral,
            Metadata = instance.TryGetProperty("metadata", out var metadata) ? NacosMetadata.FromJson(metadata) : null,
        };
    }

    private static ServiceKey Key(NacosRequest request)
    {
        var serviceName = request.String("serviceName");
        if (string.IsNullOrWhiteSpace(serviceName))
        {
            throw Invalid("serviceName", "The request needs a 'serviceName'.");
        }

        var (group, name) = NacosServiceName.Parse(serviceName, request.String("groupName"));
        return new ServiceKey(NacosNamespace.Id(request.String("namespace")), group, name);
    }

    private static string Clusters(string? clusters) => clusters?.Trim() ?? "";

    private static InvalidInputException Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}
