using System.Security.Claims;
using Meridian.Auth;
using Meridian.Naming;
using Meridian.Validation;

namespace Meridian.Server.Api.Naming;

internal static class ServiceEndpoints
{
    public const int MaxPageSize = 1000;

    public static void MapServiceEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/namespaces/{ns}").WithTags("Services");

        group.MapGet("/services", (string ns, string? group, string? search, int? pageNo, int? pageSize, ClaimsPrincipal user, RegistryProjection registry) =>
            {
                var errors = new ValidationErrors();
                Rules.Name(errors, "namespace", ns);
                if (group is not null)
                {
                    Rules.Name(errors, "group", group);
                }

                var page = pageNo ?? 1;
                var size = pageSize ?? 100;
                if (page < 1)
                {
                    errors.Add("pageNo", $"'pageNo' starts at 1; got {page}.");
                }

                if (size is < 1 or > MaxPageSize)
                {
                    errors.Add("pageSize", $"'pageSize' must be between 1 and {MaxPageSize}; got {size}.");
                }

                errors.ThrowIfAny();
                var result = registry.ListServices(ns, group, search, page, size, Caller.Of(user));
                return new ServicePageResponse(result.Total, page, size, result.Items.Select(ServiceResponse.From).ToList());
            })
            .WithSummary("Lists services with paging; 'group' filters, 'search' matches part of the name.");

        var service = group.MapGroup("/groups/{group}/services/{service}");

        service.MapGet("/", (string ns, string group, string service, ClaimsPrincipal user, RegistryProjection registry) =>
            {
                var key = Key(ns, group, service);
                return ServiceResponse.From(registry.GetService(key, Caller.Of(user)) ?? throw NotFound(key));
            })
            .WithSummary("Reads a service: settings, clusters, counts, revision and checksum.");

        service.MapGet("/subscribers", (string ns, string group, string service, ClaimsPrincipal user, ServiceSubscribers subscribers) =>
                subscribers.Of(Key(ns, group, service), Caller.Of(user))
                    .Select(s => new ServiceSubscriberResponse(s.Address, s.Protocol, s.ClientId, s.Agent, s.Since)).ToList())
            .Produces<List<ServiceSubscriberResponse>>()
            .WithSummary("Lists the clients following this service's changes on this node: Meridian client connections (grpc), Nacos 2.x " +
                         "connections (nacos-grpc) and Nacos 1.x clients polling with a UDP port (nacos-udp), with address, client id, agent and since when.");

        service.MapPut("/", async (string ns, string group, string service, ServiceRequest request, ClaimsPrincipal user, RegistryProjection registry, RegistryCommands commands, CancellationToken ct) =>
            {
                var key = Key(ns, group, service);
                var existing = registry.GetService(key);
                var current = existing?.Definition ?? ServiceDefinition.Default;
                var definition = new ServiceDefinition
                {
                    ProtectThreshold = request.ProtectThreshold ?? current.ProtectThreshold,
                    Metadata = request.Metadata ?? current.Metadata,
                    Clusters = request.Clusters?.ToDictionary(c => c.Key, c => ToCluster(c.Key, c.Value), StringComparer.Ordinal) ?? current.Clusters,
                };
                var saved = ServiceResponse.From(await commands.UpsertServiceAsync(key, definition, Caller.Of(user), ct));
                return existing is null
                    ? Results.Created($"/v1/namespaces/{Uri.EscapeDataString(ns)}/groups/{Uri.EscapeDataString(group)}/services/{Uri.EscapeDataString(service)}", saved)
                    : Results.Ok(saved);
            })
            .Produces<ServiceResponse>(StatusCodes.Status201Created)
            .Produces<ServiceResponse>(StatusCodes.Status200OK)
            .WithSummary("Creates (201) or updates (200) a service's protect threshold, metadata and cluster health checks.");

        service.MapDelete("/", async (string ns, string group, string service, ClaimsPrincipal user, RegistryCommands commands, CancellationToken ct) =>
            {
                await commands.DeleteServiceAsync(Key(ns, group, service), Caller.Of(user), ct);
                return Results.NoContent();
            })
            .WithSummary("Deletes a service that has no instances left.");
    }

    internal static ServiceKey Key(string ns, string group, string service)
    {
        var key = new ServiceKey(ns, group, service);
        InstanceRules.ValidateKey(key);
        return key;
    }

    internal static NotFoundException NotFound(ServiceKey key) =>
        new($"Service '{key.Name}' in group '{key.Group}' of namespace '{key.Namespace}' does not exist.");

    private static ClusterDefinition ToCluster(string name, ClusterRequest request) => new()
    {
        Name = name,
        HealthCheck = request.HealthCheck is { } h
            ? new HealthCheckDefinition { Type = h.Type ?? HealthCheckType.Tcp, Path = h.Path ?? "/", Port = h.Port }
            : HealthCheckDefinition.Tcp,
        Metadata = request.Metadata ?? new Dictionary<string, string>(),
    };
}
