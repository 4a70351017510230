using System.Security.Claims;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Validation;

namespace Meridian.Server.Api.Naming;

internal static class NamespaceEndpoints
{
    public static void MapNamespaceEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/namespaces").WithTags("Namespaces");

        group.MapGet("/", (ClaimsPrincipal user, NamespaceCatalog catalog, RegistryProjection registry, ConfigProjection configs) =>
                catalog.List(Caller.Of(user)).Select(n => ToResponse(n, registry, configs)).ToList())
            .WithSummary("Lists namespaces; 'public' is always first.");

        group.MapGet("/{ns}", (string ns, ClaimsPrincipal user, NamespaceCatalog catalog, RegistryProjection registry, ConfigProjection configs) =>
                ToResponse(catalog.Get(ns, Caller.Of(user)) ?? throw new NotFoundException($"Namespace '{ns}' does not exist."), registry, configs))
            .WithSummary("Reads one namespace.");

        group.MapPost("/", async (NamespaceRequest request, ClaimsPrincipal user, NamespaceCommands namespaceCommands, RegistryProjection registry, ConfigProjection configs, CancellationToken ct) =>
            {
                var created = await namespaceCommands.CreateAsync(new NamespaceInfo(request.Id, request.Name ?? request.Id, request.Description ?? ""), Caller.Of(user), ct);
                return Results.Created($"/v1/namespaces/{created.Id}", ToResponse(created, registry, configs));
            })
            .WithSummary("Creates a namespace: an environment whose services never see another's.");

        group.MapPut("/{ns}", async (string ns, NamespaceUpdateRequest request, ClaimsPrincipal user, NamespaceCatalog catalog, NamespaceCommands namespaceCommands, RegistryProjection registry, ConfigProjection configs, CancellationToken ct) =>
            {
                var current = catalog.Get(ns) ?? throw new NotFoundException($"Namespace '{ns}' does not exist.");
                var updated = await namespaceCommands.UpdateAsync(current with { Name = request.Name ?? current.Name, Description = request.Description ?? current.Description }, Caller.Of(user), ct);
                return ToResponse(updated, registry, configs);
            })
            .WithSummary("Renames or re-describes a namespace.");

        group.MapDelete("/{ns}", async (string ns, ClaimsPrincipal user, NamespaceCommands namespaceCommands, CancellationToken ct) =>
            {
                await namespaceCommands.DeleteAsync(ns, Caller.Of(user), ct);
                return Results.NoContent();
            })
            .WithSummary("Deletes an empty namespace.");
    }

    private static NamespaceResponse ToResponse(NamespaceInfo ns, RegistryProjection registry, ConfigProjection configs) =>
        new(ns.Id, ns.Name, ns.Description, registry.ServiceCount(ns.Id), configs.CountIn(ns.Id));
}
