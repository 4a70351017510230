using System.Text.Json;
using System.Text.Json.Nodes;

namespace Meridian.Fuzzing.Http;

/// <summary>
/// Every endpoint the fuzzer drives: the native API as the server's OpenAPI document describes it, the Nacos v1 and
/// Eureka endpoints (which the document leaves out) from built-in lists, the gRPC client-connection method, and the
/// unauthenticated odds and ends (health, the document itself, routes that do not exist).
/// </summary>
internal static class EndpointCatalog
{
    public const string Native = "native";
    public const string Nacos = "nacos";
    public const string Eureka = "eureka";
    public const string Grpc = "grpc";
    public const string Other = "other";

    public static IReadOnlyList<FuzzEndpoint> All(JsonDocument openApi, bool withGrpc) =>
        [.. FromOpenApi(openApi), .. NacosEndpoints(), .. EurekaEndpoints(), .. OtherEndpoints(), .. withGrpc ? GrpcEndpoints() : []];

    public static IEnumerable<FuzzEndpoint> FromOpenApi(JsonDocument openApi)
    {
        var root = openApi.RootElement;
        var schemas = root.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var s) ? s : default;
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Name is "parameters" or "summary" or "description" or "servers")
                {
                    continue;
                }

                var parameters = new List<FuzzParameter>();
                if (operation.Value.TryGetProperty("parameters", out var list))
                {
                    foreach (var parameter in list.EnumerateArray())
                    {
                        var name = parameter.GetProperty("name").GetString()!;
                        var type = TypeOf(parameter.TryGetProperty("schema", out var schema) ? schema : default);
                        var place = parameter.GetProperty("in").GetString() switch
                        {
                            "path" => ParameterPlace.Path,
                            "header" => ParameterPlace.Header,
                            _ => ParameterPlace.Query,
                        };
                        parameters.Add(new FuzzParameter(name, place, ValidValues.For(name, type), type is "integer" or "number"));
                    }
                }

                Func<JsonNode>? body = null;
                if (operation.Value.TryGetProperty("requestBody", out var requestBody)
                    && requestBody.TryGetProperty("content", out var content)
                    && content.TryGetProperty("application/json", out var json)
                    && json.TryGetProperty("schema", out var bodySchema))
                {
                    var sample = SchemaSampler.Sample(bodySchema, schemas, depth: 0) ?? new JsonObject();
                    var text = sample.ToJsonString();
                    body = () => JsonNode.Parse(text)!;
                }

                var route = path.Name;
                // Held open on purpose: long-poll listeners, and the change stream (server-sent events), which never ends by itself.
                var longPoll = route.EndsWith("/listener", StringComparison.Ordinal) || route == "/v1/events";
                var weight = route.StartsWith("/v1/auth/token", StringComparison.Ordinal) || route.StartsWith("/v1/auth/session", StringComparison.Ordinal) || (route == "/v1/auth/users" && operation.Name == "post") ? 0.2 : 1;
                yield return new FuzzEndpoint(Native, operation.Name.ToUpperInvariant(), route, parameters, body is null ? BodyKind.None : BodyKind.Json, body, weight, longPoll);
            }
        }
    }

    private static string? TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
        {
            return null;
        }

        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t is not ("null" or "string")) ?? "string"
            : type.GetString();
    }

    /// <summary>The Nacos v1 Open API (naming, configuration, console namespaces, login, server list) and the parameters each reads.</summary>
    public static IEnumerable<FuzzEndpoint> NacosEndpoints()
    {
        string[] instance = ["serviceName", "groupName", "namespaceId", "ip", "port", "clusterName", "weight", "enabled", "healthy", "ephemeral", "metadata"];
        string[] service = ["serviceName", "groupName", "namespaceId", "protectThreshold", "metadata"];
        string[] config = ["dataId", "group", "tenant"];
        string[] ns = ["namespaceId", "customNamespaceId", "namespaceName", "namespaceDesc", "namespace", "namespaceShowName"];
        (string Method, string Path, string[] Parameters, double Weight)[] routes =
        [
            ("POST", "/nacos/v1/ns/instance", instance, 1),
            ("DELETE", "/nacos/v1/ns/instance", instance, 1),
            ("PUT", "/nacos/v1/ns/instance", instance, 1),
            ("PATCH", "/nacos/v1/ns/instance", instance, 1),
            ("GET", "/nacos/v1/ns/instance", ["serviceName", "groupName", "namespaceId", "ip", "port", "cluster", "healthyOnly"], 1),
            ("GET", "/nacos/v1/ns/instance/list", ["serviceName", "groupName", "namespaceId", "clusters", "healthyOnly", "udpPort", "clientIP"], 1),
            ("PUT", "/nacos/v1/ns/instance/beat", ["serviceName", "groupName", "namespaceId", "ip", "port", "clusterName", "beat"], 1),
            ("POST", "/nacos/v1/ns/service", service, 1),
            ("PUT", "/nacos/v1/ns/service", service, 1),
            ("DELETE", "/nacos/v1/ns/service", ["serviceName", "groupName", "namespaceId"], 1),
            ("GET", "/nacos/v1/ns/service", ["serviceName", "groupName", "namespaceId"], 1),
            ("GET", "/nacos/v1/ns/service/list", ["pageNo", "pageSize", "groupName", "namespaceId"], 1),
            ("GET", "/nacos/v1/ns/operator/metrics", [], 0.3),
            ("GET", "/nacos/v1/cs/configs", [.. config, "show"], 1),
            ("GET", "/nacos/v1/cs/configs", [.. config, "search", "pageNo", "pageSize"], 1),
            ("POST", "/nacos/v1/cs/configs", [.. config, "content", "type", "appName", "config_tags", "desc"], 1),
            ("DELETE", "/nacos/v1/cs/configs", config, 0.5),
            ("POST", "/nacos/v1/cs/configs/listener", ["Listening-Configs", "Long-Pulling-Timeout-No-Hangup", "Long-Pulling-Timeout"], 1),
            ("GET", "/nacos/v1/cs/history", [.. config, "search", "pageNo", "pageSize"], 1),
            ("GET", "/nacos/v1/cs/history", [.. config, "nid"], 1),
            ("GET", "/nacos/v1/cs/history/previous", [.. config, "id"], 1),
            ("GET", "/nacos/v1/console/namespaces", ["show", "namespaceId", "checkNamespaceIdExist"], 1),
            ("POST", "/nacos/v1/console/namespaces", ns, 1),
            ("PUT", "/nacos/v1/console/namespaces", ns, 1),
            ("DELETE", "/nacos/v1/console/namespaces", ["namespaceId"], 0.5),
            ("POST", "/nacos/v1/auth/login", ["username", "password"], 0.2),
            ("POST", "/nacos/v1/auth/users/login", ["username", "password"], 0.2),
            ("GET", "/nacos/serverlist", [], 0.3),
        ];
        foreach (var (method, path, names, weight) in routes)
        {
            var parameters = names.Select(n => new FuzzParameter(
                n,
                n.StartsWith("Long-Pulling", StringComparison.Ordinal) ? ParameterPlace.Header : method == "GET" ? ParameterPlace.Query : ParameterPlace.Form,
                ValidValues.For(n),
                n is "port" or "udpPort" or "weight" or "protectThreshold" or "pageNo" or "pageSize" or "nid" or "id")).ToList();
            yield return new FuzzEndpoint(Nacos, method, path, parameters, method == "GET" ? BodyKind.None : BodyKind.Form, Weight: weight,
                LongPoll: path.EndsWith("/listener", StringComparison.Ordinal));
        }
    }

    /// <summary>The Eureka REST resources at both prefixes clients use, /eureka and /eureka/v2.</summary>
    public static IEnumerable<FuzzEndpoint> EurekaEndpoints()
    {
        FuzzParameter app = new("app", ParameterPlace.Path, ValidValues.EurekaApp);
        FuzzParameter id = new("id", ParameterPlace.Path, ValidValues.EurekaInstance);
        FuzzParameter accept = new("Accept", ParameterPlace.Header, "application/json");
        foreach (var prefix in new[] { "/eureka", "/eureka/v2" })
        {
            yield return new FuzzEndpoint(Eureka, "POST", prefix + "/apps/{app}", [app], BodyKind.EurekaInstance);
            yield return new FuzzEndpoint(Eureka, "PUT", prefix + "/apps/{app}/{id}", [app, id, new("status", ParameterPlace.Query, "UP"), new("lastDirtyTimestamp", ParameterPlace.Query, "1700000000000", true)]);
            yield return new FuzzEndpoint(Eureka, "DELETE", prefix + "/apps/{app}/{id}", [app, id], Weight: 0.3);
            yield return new FuzzEndpoint(Eureka, "GET", prefix + "/apps", [accept], Weight: 0.5);
            yield return new FuzzEndpoint(Eureka, "GET", prefix + "/apps/delta", [accept], Weight: 0.5);
            yield return new FuzzEndpoint(Eureka, "GET", prefix + "/apps/{app}", [app, accept]);
            yield return new FuzzEndpoint(Eureka, "GET", prefix + "/apps/{app}/{id}", [app, id, accept]);
            yield return new FuzzEndpoint(Eureka, "GET", prefix + "/instances/{id}", [id, accept]);
            yield return new FuzzEndpoint(Eureka, "GET", prefix + "/vips/{vip}", [new("vip", ParameterPlace.Path, "fuzz-vip"), accept]);
            yield return new FuzzEndpoint(Eureka, "GET", prefix + "/svips/{svip}", [new("svip", ParameterPlace.Path, "fuzz-vip"), accept]);
            yield return new FuzzEndpoint(Eureka, "PUT", prefix + "/apps/{app}/{id}/status", [app, id, new("value", ParameterPlace.Query, "OUT_OF_SERVICE")]);
            yield return new FuzzEndpoint(Eureka, "DELETE", prefix + "/apps/{app}/{id}/status", [app, id, new("value", ParameterPlace.Query, "UP")]);
            yield return new FuzzEndpoint(Eureka, "PUT", prefix + "/apps/{app}/{id}/metadata", [app, id, new("zone", ParameterPlace.Query, "a"), new("k", ParameterPlace.Query, "v")]);
        }
    }

    /// <summary>The gRPC client connection (HTTP/2 only, on its own port): frames that are not the contract's messages.</summary>
    public static IEnumerable<FuzzEndpoint> GrpcEndpoints()
    {
        yield return new FuzzEndpoint(Grpc, "POST", "/meridian.v1.Connection/Connect", [], BodyKind.Grpc, Weight: 2, LongPoll: true);
        yield return new FuzzEndpoint(Grpc, "POST", "/meridian.v1.Connection/Nothing", [], BodyKind.Grpc, Weight: 0.5, LongPoll: true);
    }

    /// <summary>Health, the OpenAPI document, the API reference, and routes no endpoint answers under each prefix.</summary>
    public static IEnumerable<FuzzEndpoint> OtherEndpoints()
    {
        yield return new FuzzEndpoint(Other, "GET", "/health/live", [], Weight: 0.3);
        yield return new FuzzEndpoint(Other, "GET", "/health/ready", [], Weight: 0.3);
        yield return new FuzzEndpoint(Other, "GET", "/openapi/v1.json", [], Weight: 0.1);
        yield return new FuzzEndpoint(Other, "GET", "/docs", [], Weight: 0.1);
        yield return new FuzzEndpoint(Other, "GET", "/nacos/v1/ns/{x}", [new("x", ParameterPlace.Path, "nothing")], Weight: 0.5);
        yield return new FuzzEndpoint(Other, "POST", "/nacos/v2/cs/config", [new("dataId", ParameterPlace.Form, ValidValues.DataId)], BodyKind.Form, Weight: 0.5);
        yield return new FuzzEndpoint(Other, "GET", "/nacos/{x}", [new("x", ParameterPlace.Path, "nothing")], Weight: 0.5);
        yield return new FuzzEndpoint(Other, "GET", "/eureka/{x}/{y}/{z}/{w}", [new("x", ParameterPlace.Path, "apps"), new("y", ParameterPlace.Path, "a"), new("z", ParameterPlace.Path, "b"), new("w", ParameterPlace.Path, "c")], Weight: 0.5);
        yield return new FuzzEndpoint(Other, "GET", "/v1/{x}", [new("x", ParameterPlace.Path, "nothing")], Weight: 0.5);
        yield return new FuzzEndpoint(Other, "GET", "/{x}", [new("x", ParameterPlace.Path, "favicon.ico")], Weight: 0.3);
    }
}

/// <summary>A JSON value that an OpenAPI schema accepts, with names the fixtures use.</summary>
internal static class SchemaSampler
{
    public static JsonNode? Sample(JsonElement schema, JsonElement schemas, int depth, string? property = null)
    {
        if (property is not null && ValidValues.TryJsonFor(property, out var known))
        {
            return known;
        }

        if (depth > 5 || schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return schemas.ValueKind == JsonValueKind.Object && schemas.TryGetProperty(name, out var target) ? Sample(target, schemas, depth + 1, property) : null;
        }

        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0)
        {
            return JsonNode.Parse(values[0].GetRawText());
        }

        foreach (var choice in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(choice, out var options))
            {
                foreach (var option in options.EnumerateArray())
                {
                    if (Sample(option, schemas, depth + 1, property) is { } chosen)
                    {
                        return chosen;
                    }
                }

                return null;
            }
        }

        var type = schema.TryGetProperty("type", out var t)
            ? t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()).FirstOrDefault(x => x != "null") : t.GetString()
            : schema.TryGetProperty("properties", out _) ? "object" : null;
        switch (type)
        {
            case "object":
                var result = new JsonObject();
                if (schema.TryGetProperty("properties", out var properties))
                {
                    foreach (var p in properties.EnumerateObject())
                    {
                        result[p.Name] = Sample(p.Value, schemas, depth + 1, p.Name);
                    }
                }
                else if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
                {
                    result["k"] = Sample(additional, schemas, depth + 1);
                }

                return result;
            case "array":
                return schema.TryGetProperty("items", out var items) && Sample(items, schemas, depth + 1) is { } item ? new JsonArray(item) : new JsonArray();
            case "integer":
                return 1;
            case "number":
                return 1.5;
            case "boolean":
                return true;
            case "string":
                return "fuzz";
            default:
                return null;
        }
    }
}
