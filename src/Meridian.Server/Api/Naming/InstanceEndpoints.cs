using System.Security.Claims;
using Meridian.Auth;
using Meridian.Naming;
using Meridian.Validation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Api.Naming;

internal static class InstanceEndpoints
{
    /// <summary>An instance registration is small; anything bigger is a mistake or an attack.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    private const string JsonContentType = "application/json; charset=utf-8";

    public static void MapInstanceEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/namespaces/{ns}/groups/{group}/services/{service}/instances")
            .WithTags("Instances")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));

        group.MapPost("/", async (string ns, string group, string service, RegisterInstanceRequest request, ClaimsPrincipal user, RegistryCommands commands, CancellationToken ct) =>
            {
                var key = new ServiceKey(ns, group, service);
                var registered = await commands.RegisterInstanceAsync(key, ToRegistration(request), owner: null, Caller.Of(user), ct);
                return registered.Created
                    ? Results.Created($"/v1/namespaces/{Uri.EscapeDataString(ns)}/groups/{Uri.EscapeDataString(group)}/services/{Uri.EscapeDataString(service)}/instances/{Uri.EscapeDataString(registered.Instance.InstanceId)}", registered.Instance)
                    : Results.Ok(registered.Instance);
            })
            .Produces<Instance>(StatusCodes.Status201Created)
            .Produces<Instance>(StatusCodes.Status200OK)
            .WithSummary("Registers an instance (201) or refreshes it (200). Ephemeral instances live by heartbeat; persistent ones are stored and probed.");

        var json = new InstanceListJson(((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
        group.MapGet("/", (string ns, string group, string service, bool? healthyOnly, string? clusters, ClaimsPrincipal user, RegistryProjection registry) =>
            {
                var key = ServiceEndpoints.Key(ns, group, service);
                var filter = new InstanceFilter(healthyOnly ?? false, ParseClusters(clusters));
                var snapshot = registry.GetService(key, Caller.Of(user)) ?? throw ServiceEndpoints.NotFound(key);
                var bytes = json.Cached(snapshot, filter) ?? json.Serialize(RegistryProjection.Select(snapshot, filter));
                return Results.Bytes(bytes, JsonContentType);
            })
            .Produces<InstanceListResponse>(StatusCodes.Status200OK, "application/json")
            .WithSummary("Lists instances; 'healthyOnly' keeps healthy and enabled ones (subject to the protect threshold), 'clusters' is a comma list.");

        group.MapGet("/liveness", (string ns, string group, string service, ClaimsPrincipal user, RegistryProjection registry, InstanceLeases leases) =>
            {
                var key = ServiceEndpoints.Key(ns, group, service);
                var snapshot = registry.GetService(key, Caller.Of(user)) ?? throw ServiceEndpoints.NotFound(key);
                return snapshot.Instances.Select(i => new InstanceLivenessResponse(i.InstanceId,
                    !i.Ephemeral ? "probe" : leases.Find(key, i.InstanceId)?.Owner is not null ? "connection" : "heartbeat")).ToList();
            })
            .WithSummary("Says what keeps each instance registered: 'heartbeat', 'connection' (a client connection holds it) or 'probe' (persistent, checked by the server).");

        group.MapGet("/{instanceId}", (string ns, string group, string service, string instanceId, ClaimsPrincipal user, RegistryProjection registry) =>
            {
                var key = ServiceEndpoints.Key(ns, group, service);
                var snapshot = registry.GetService(key, Caller.Of(user)) ?? throw ServiceEndpoints.NotFound(key);
                return snapshot.Find(instanceId) ?? throw InstanceRules.InstanceNotFound(key, instanceId);
            })
            .WithSummary("Reads one instance.");

        group.MapPatch("/{instanceId}", async (string ns, string group, string service, string instanceId, UpdateInstanceRequest request, ClaimsPrincipal user, RegistryCommands commands, CancellationToken ct) =>
            {
                var key = ServiceEndpoints.Key(ns, group, service);
                return await commands.UpdateInstanceAsync(key, instanceId, new InstancePatch { Weight = request.Weight, Enabled = request.Enabled, Metadata = request.Metadata }, Caller.Of(user), ct);
            })
            .WithSummary("Changes an instance's weight (0 drains it), enabled flag or metadata.");

        group.MapDelete("/{instanceId}", async (string ns, string group, string service, string instanceId, ClaimsPrincipal user, RegistryCommands commands, CancellationToken ct) =>
            {
                await commands.DeregisterAsync(ServiceEndpoints.Key(ns, group, service), instanceId, Caller.Of(user), ct);
                return Results.NoContent();
            })
            .WithSummary("Deregisters an instance.");

        group.MapPut("/{instanceId}/heartbeat", async (string ns, string group, string service, string instanceId, ClaimsPrincipal user, RegistryCommands commands, CancellationToken ct) =>
                await commands.HeartbeatAsync(new ServiceKey(ns, group, service), instanceId, Caller.Of(user), ct)
                    ? Results.Ok(new HeartbeatResponse((long)commands.HeartbeatInterval.TotalMilliseconds))
                    : Results.Problem(
                        statusCode: StatusCodes.Status404NotFound,
                        title: "Not registered.",
                        detail: $"Instance '{instanceId}' is not registered in '{ns}/{group}@@{service}' (it may have expired); register it again."))
            .WithSummary("Renews an ephemeral instance. 404 means it is unknown or expired: register again.");
    }

    private static InstanceRegistration ToRegistration(RegisterInstanceRequest r) => new()
    {
        InstanceId = r.InstanceId,
        Ip = r.Ip ?? "",
        Port = r.Port,
        Weight = r.Weight,
        Healthy = r.Healthy,
        Enabled = r.Enabled,
        Ephemeral = r.Ephemeral,
        Cluster = r.Cluster,
        Metadata = r.Metadata,
    };

    private static string[]? ParseClusters(string? clusters)
    {
        if (string.IsNullOrWhiteSpace(clusters))
        {
            return null;
        }

        var names = clusters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = new ValidationErrors();
        foreach (var name in names)
        {
            Rules.Name(errors, "clusters", name);
        }

        errors.ThrowIfAny();
        return names;
    }
}
