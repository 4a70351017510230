using Meridian.Auth;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Protocols.Nacos.Http;

namespace Meridian.Protocols.Nacos.Naming;

/// <summary><c>/nacos/v1/ns/service</c>, <c>/service/list</c> and <c>/operator/metrics</c> (Nacos' ServiceController and OperatorController).</summary>
internal static class NacosServiceEndpoints
{
    public static void MapNacosServiceEndpoints(this RouteGroupBuilder ns)
    {
        ns.MapPost("/service", CreateAsync);
        ns.MapPut("/service", UpdateAsync);
        ns.MapDelete("/service", DeleteAsync);
        ns.MapGet("/service", GetAsync);
        ns.MapGet("/service/list", ListAsync);
        ns.MapGet("/operator/metrics", Metrics);

        // An unknown naming path is named in Nacos' words, but with 404: Nacos' 501 is a server error, which clients
        // count against the server (and fail over from) for what is their own wrong path.
        ns.Map("/{**path}", (HttpContext http) =>
            NacosResults.Text($"no such api:{http.Request.Method}:{http.Request.Path}", StatusCodes.Status404NotFound));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RegistryProjection registry, RegistryCommands commands, NamespaceCommands namespaceCommands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosServiceName.Key(p, NacosNamespace.Id(p.Get("namespaceId")));
        if (registry.GetService(key) is not null)
        {
            throw new NacosException(StatusCodes.Status400BadRequest, $"specified service already exists, serviceName : {key.GroupedName}");
        }

        await namespaceCommands.EnsureAsync(key.Namespace, Caller.Of(http.User), ct);
        await commands.UpsertServiceAsync(key, ReadDefinition(p, ServiceDefinition.Default), Caller.Of(http.User), ct);
        return NacosResults.Ok;
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, RegistryProjection registry, RegistryCommands commands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosServiceName.Key(p, NacosNamespace.Id(p.Get("namespaceId")));
        p.Required("protectThreshold");
        var current = registry.GetService(key) ?? throw NotExist(key);
        await commands.UpsertServiceAsync(key, ReadDefinition(p, current.Definition), Caller.Of(http.User), ct);
        return NacosResults.Ok;
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, RegistryProjection registry, RegistryCommands commands, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosServiceName.Key(p, NacosNamespace.Id(p.Get("namespaceId")));
        if (registry.GetService(key) is null)
        {
            throw NotExist(key);
        }

        await commands.DeleteServiceAsync(key, Caller.Of(http.User), ct);
        return NacosResults.Ok;
    }

    private static async Task<IResult> GetAsync(HttpContext http, RegistryProjection registry, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var key = NacosServiceName.Key(p, NacosNamespace.Id(p.Get("namespaceId")));
        var snapshot = registry.GetService(key, Caller.Of(http.User))
            ?? throw new NacosException(StatusCodes.Status404NotFound, $"service not found: {key.GroupedName}");
        var clusters = snapshot.Instances.Select(i => i.Cluster).Concat(snapshot.Definition.Clusters.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return NacosResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("namespaceId", key.Namespace);
            w.WriteString("groupName", key.Group);
            w.WriteString("name", key.Name);
            w.WriteNumber("protectThreshold", snapshot.Definition.ProtectThreshold);
            NacosMetadata.Write(w, "metadata", snapshot.Definition.Metadata);
            w.WriteStartObject("selector");
            w.WriteString("type", "none");
            w.WriteEndObject();
            w.WriteStartArray("clusters");
            foreach (var name in clusters)
            {
                var cluster = snapshot.Definition.GetCluster(name);
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteString("serviceName", key.GroupedName);
                w.WriteStartObject("healthChecker");
                w.WriteString("type", cluster.HealthCheck.Type.ToString().ToUpperInvariant());
                w.WriteEndObject();
                NacosMetadata.Write(w, "metadata", cluster.Metadata);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> ListAsync(HttpContext http, RegistryProjection registry, CancellationToken ct)
    {
        var p = await NacosParameters.ReadAsync(http.Request, ct);
        var ns = NacosNamespace.Id(p.Get("namespaceId"));
        // Nacos reads a page number below 1 as the first page (the npm client asks for page 0).
        var pageNo = Math.Max(1, p.RequiredInt("pageNo"));
        var pageSize = p.RequiredInt("pageSize");
        if (pageSize < 1)
        {
            throw new NacosException(StatusCodes.Status400BadRequest, $"pageSize must be at least 1; got {pageSize}.");
        }

        var group = p.Get("groupName") is { Length: > 0 } g ? g : ServiceKey.DefaultGroup;
        var page = registry.ListServices(ns, group, null, pageNo, pageSize, Caller.Of(http.User));
        return NacosResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("count", page.Total);
            w.WriteStartArray("doms");
            foreach (var service in page.Items)
            {
                w.WriteStringValue(service.Key.Name);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static IResult Metrics(RegistryProjection registry)
    {
        var services = 0;
        var instances = 0;
        foreach (var snapshot in registry.AllServices())
        {
            services++;
            instances += snapshot.Instances.Length;
        }

        return NacosResults.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "UP");
            w.WriteNumber("serviceCount", services);
            w.WriteNumber("instanceCount", instances);
            w.WriteNumber("responsibleServiceCount", services);
            w.WriteNumber("responsibleInstanceCount", instances);
            w.WriteEndObject();
        });
    }

    private static ServiceDefinition ReadDefinition(NacosParameters p, ServiceDefinition current) => current with
    {
        ProtectThreshold = p.Double("protectThreshold") ?? current.ProtectThreshold,
        Metadata = NacosMetadata.Parse(p.Get("metadata")) ?? current.Metadata,
    };

    private static NacosException NotExist(ServiceKey key) =>
        new(StatusCodes.Status400BadRequest, $"specified service not exist, serviceName : {key.GroupedName}");
}
