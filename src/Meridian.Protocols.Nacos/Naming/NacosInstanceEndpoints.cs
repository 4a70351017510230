using System.Globalization;
using System.Net;
using Meridian.Auth;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Protocols.Nacos.Http;
using Meridian.Protocols.Nacos.Push;
using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Nacos.Naming;

/// <summary><c>/nacos/v1/ns/instance</c>: register, deregister, update, detail, list and beat (Nacos' InstanceController).</summary>
internal static class NacosInstanceEndpoints
{
    private const int BeatOk = 10200;
    private const int BeatResourceNotFound = 20404;

    public static void MapNacosInstanceEndpoints(this RouteGroupBuilder ns)
    {
        ns.MapPost("/instance", RegisterAsync);
        ns.MapDelete("/instance", DeregisterAsync);
        ns.MapPut("/instance", UpdateAsync);
        ns.MapPatch("/instance", PatchAsync);
        ns.MapGet("/instance", DetailAsync);
        ns.MapGet("/instance/list", ListAsync);
        ns.MapPut("/instance/beat", BeatAsync);
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, RegistryProjection registry, RegistryCommands commands, NamespaceCommands namespaceCommands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosServiceName.Key(p, NacosNamespace.Id(p.Get("namespaceId")));
        var registration = ReadRegistration(p);
        await namespaceCommands.EnsureAsync(key.Namespace, Caller.Of(http.User), ct);

        // Nacos keys an instance by ip:port:cluster; one registered by another protocol under its own id is the same instance.
        var existing = NacosInstanceLocator.Find(registry.GetService(key), registration.Ip, registration.Port, registration.Cluster!);
        await commands.RegisterAsync(key, registration with { InstanceId = existing?.InstanceId }, Caller.Of(http.User), ct);
        return NacosResults.Ok;
    }

    private static async Task<IResult> DeregisterAsync(HttpContext http, RegistryProjection registry, RegistryCommands commands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosServiceName.Key(p, NacosNamespace.Id(p.Get("namespaceId")));
        var (ip, port, cluster) = Address(p);
        if (NacosInstanceLocator.Find(registry.GetService(key), ip, port, cluster) is { } instance)
        {
            try
            {
                await commands.DeregisterAsync(key, instance.InstanceId, Caller.Of(http.User), ct);
            }
            catch (NotFoundException)
            {
                // Gone in the meantime: Nacos answers ok for an instance it does not know.
            }
        }

        return NacosResults.Ok;
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, RegistryProjection registry, RegistryCommands commands, NamespaceCommands namespaceCommands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosServiceName.Key(p, NacosNamespace.Id(p.Get("namespaceId")));
        var registration = ReadRegistration(p);
        var existing = NacosInstanceLocator.Find(registry.GetService(key), registration.Ip, registration.Port, registration.Cluster!);

        // Nacos refuses to update an unknown instance for its Java client and upserts for everyone else.
        if (existing is null && NacosClientAgent.IsJavaClientV1OrLater(http.Request))
        {
            throw new NacosException(StatusCodes.Status400BadRequest, $"instance not exist: {registration.Ip}:{registration.Port} in {key.GroupedName}");
        }

        await namespaceCommands.EnsureAsync(key.Namespace, Caller.Of(http.User), ct);
        await commands.RegisterAsync(key, registration with { InstanceId = existing?.InstanceId }, Caller.Of(http.User), ct);
        return NacosResults.Ok;
    }

    private static async Task<IResult> PatchAsync(HttpContext http, RegistryProjection registry, RegistryCommands commands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosServiceName.Key(p, NacosNamespace.Id(p.Get("namespaceId")));
        var (ip, port, cluster) = Address(p);
        var existing = NacosInstanceLocator.Find(registry.GetService(key), ip, port, cluster)
            ?? throw new NacosException(StatusCodes.Status400BadRequest, $"instance not exist: {ip}:{port} in {key.GroupedName}");
        var patch = new InstancePatch
        {
            Weight = p.Double("weight"),
            Enabled = p.Bool("enabled") ?? p.Bool("enable"),
            Metadata = NacosMetadata.Parse(p.Get("metadata")),
        };
        await commands.UpdateInstanceAsync(key, existing.InstanceId, patch, Caller.Of(http.User), ct);
        return NacosResults.Ok;
    }

    private static async Task<IResult> DetailAsync(HttpContext http, RegistryProjection registry, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosServiceName.Key(p, NacosNamespace.Id(p.Get("namespaceId")));
        var ip = p.Required("ip");
        var port = p.RequiredInt("port");
        var cluster = NacosInstanceLocator.Cluster(p.Get("cluster") ?? p.Get("clusterName"));
        var snapshot = registry.GetService(key, Caller.Of(http.User))
            ?? throw new NacosException(StatusCodes.Status404NotFound, $"no service {key.GroupedName} found!");
        var instance = NacosInstanceLocator.Find(snapshot, ip, port, cluster)
            ?? throw new NacosException(StatusCodes.Status404NotFound, "no matched ip found!");

        return NacosResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("service", key.GroupedName);
            w.WriteString("ip", instance.Ip);
            w.WriteNumber("port", instance.Port);
            w.WriteString("clusterName", instance.Cluster);
            w.WriteNumber("weight", instance.Weight);
            w.WriteBoolean("healthy", instance.Healthy);
            w.WriteString("instanceId", instance.InstanceId);
            NacosMetadata.Write(w, "metadata", instance.Metadata);
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> ListAsync(
        HttpContext http,
        RegistryProjection registry,
        NacosPushSubscribers subscribers,
        IOptions<NacosOptions> options,
        TimeProvider time,
        CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosServiceName.Key(p, NacosNamespace.Id(p.Get("namespaceId")));
        var query = new NacosListQuery(key, p.Get("clusters") ?? "", p.Bool("healthyOnly") ?? false, NacosClientAgent.WantsGroupedNames(http.Request));
        if (!string.IsNullOrWhiteSpace(query.Clusters))
        {
            var errors = new ValidationErrors();
            foreach (var name in query.ClusterNames()!)
            {
                Rules.Name(errors, "clusters", name);
            }

            errors.ThrowIfAny();
        }

        Caller.Of(http.User).Demand(key, AccessActions.Read);
        var cacheTime = options.Value.PollCacheTime;
        var udpPort = p.Int("udpPort") ?? 0;
        if (options.Value.UdpPush && udpPort is > 0 and <= IPEndPoint.MaxPort && http.Connection.RemoteIpAddress is { } remote)
        {
            var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
            subscribers.Touch(new NacosPushTarget(new IPEndPoint(address, udpPort), query));
            cacheTime = options.Value.PushCacheTime;
        }

        var snapshot = registry.GetService(key);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return NacosResults.Json(w => NacosInstanceList.Write(w, query, snapshot, (long)cacheTime.TotalMilliseconds, now));
    }

    private static async Task<IResult> BeatAsync(HttpContext http, RegistryProjection registry, RegistryCommands commands, NamespaceCommands namespaceCommands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosServiceName.Key(p, NacosNamespace.Id(p.Get("namespaceId")));
        var beat = NacosBeat.Parse(p.Get("beat"));
        var (ip, port, cluster) = beat is null ? Address(p) : (beat.Ip, beat.Port, beat.Cluster);

        var instance = NacosInstanceLocator.Find(registry.GetService(key), ip, port, cluster);
        if (instance is null || !await commands.HeartbeatAsync(key, instance.InstanceId, Caller.Of(http.User), ct))
        {
            if (beat is null)
            {
                return BeatReply(commands, instance: null, BeatResourceNotFound);
            }

            // A full beat carries the instance: re-register it, so a client heals after an expiry or a server restart.
            await namespaceCommands.EnsureAsync(key.Namespace, Caller.Of(http.User), ct);
            instance = await commands.RegisterAsync(key, beat.ToRegistration(instance?.InstanceId), Caller.Of(http.User), ct);
        }

        return BeatReply(commands, instance, BeatOk);
    }

    private static IResult BeatReply(RegistryCommands commands, Instance? instance, int code)
    {
        var interval = (long)commands.HeartbeatInterval.TotalMilliseconds;
        if (instance is not null && instance.Metadata.TryGetValue(PreservedMetadata.HeartbeatInterval, out var text) &&
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var custom) && custom > 0)
        {
            interval = custom;
        }

        return NacosResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("clientBeatInterval", interval);
            w.WriteNumber("code", code);
            w.WriteBoolean("lightBeatEnabled", true);
            w.WriteEndObject();
        });
    }

    private static InstanceRegistration ReadRegistration(NacosParameters p)
    {
        var (ip, port, cluster) = Address(p);
        return new InstanceRegistration
        {
            Ip = ip,
            Port = port,
            Cluster = cluster,
            Weight = p.Double("weight"),
            Healthy = p.Bool("healthy"),
            Enabled = p.Bool("enabled") ?? p.Bool("enable"),
            Ephemeral = p.Bool("ephemeral"),
            Metadata = NacosMetadata.Parse(p.Get("metadata")),
        };
    }

    private static (string Ip, int Port, string Cluster) Address(NacosParameters p) =>
        (p.Required("ip"), p.RequiredInt("port"), NacosInstanceLocator.Cluster(p.Get("clusterName") ?? p.Get("cluster")));
}
