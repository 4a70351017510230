using System.Text.Json.Nodes;

namespace Meridian.Fuzzing.Http;

/// <summary>
/// Values each endpoint accepts, by parameter name, naming the fixtures the fuzzer creates before it starts
/// (<see cref="Fixtures"/>), so an unmutated request reaches the handler's real work instead of a 404.
/// </summary>
internal static class ValidValues
{
    public const string Namespace = "public";
    public const string Group = "DEFAULT_GROUP";
    public const string Service = "fuzz-svc";
    public const string DataId = "fuzz.properties";
    public const string EurekaApp = "FUZZAPP";
    public const string EurekaInstance = "fuzz-1";

    private static readonly Dictionary<string, string> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ns"] = Namespace,
        ["namespaceId"] = Namespace,
        ["tenant"] = "",
        ["namespace"] = "fuzz-ns",
        ["customNamespaceId"] = "fuzz-ns",
        ["namespaceName"] = "fuzz namespace",
        ["namespaceShowName"] = "fuzz namespace",
        ["namespaceDesc"] = "made by the fuzzer",
        ["group"] = Group,
        ["groupName"] = Group,
        ["service"] = Service,
        ["serviceName"] = Group + "@@" + Service,
        ["dataId"] = DataId,
        ["instanceId"] = "127.0.0.1#9#DEFAULT#" + Group + "@@" + Service,
        ["ip"] = "127.0.0.1",
        ["port"] = "9",
        ["udpPort"] = "0",
        ["weight"] = "1.0",
        ["enabled"] = "true",
        ["enable"] = "true",
        ["healthy"] = "true",
        ["healthyOnly"] = "false",
        ["ephemeral"] = "true",
        ["clusterName"] = "DEFAULT",
        ["cluster"] = "DEFAULT",
        ["clusters"] = "DEFAULT",
        ["metadata"] = "{\"k\":\"v\"}",
        ["beat"] = "{\"serviceName\":\"DEFAULT_GROUP@@fuzz-svc\",\"ip\":\"127.0.0.1\",\"port\":9,\"cluster\":\"DEFAULT\"}",
        ["protectThreshold"] = "0.5",
        ["pageNo"] = "1",
        ["pageSize"] = "10",
        ["content"] = "a=b",
        ["type"] = "properties",
        ["appName"] = "fuzz",
        ["config_tags"] = "a,b",
        ["desc"] = "fuzz",
        ["show"] = "all",
        ["search"] = "accurate",
        ["nid"] = "1",
        ["id"] = "1",
        ["username"] = "fuzz-login",
        ["password"] = "not-the-password",
        ["Listening-Configs"] = DataId + "\u0002" + Group + "\u0002\u0001",
        ["checkNamespaceIdExist"] = "true",
        ["app"] = EurekaApp,
        ["vip"] = "fuzz-vip",
        ["svip"] = "fuzz-vip",
        ["value"] = "OUT_OF_SERVICE",
        ["lastDirtyTimestamp"] = "1700000000000",
        ["name"] = "fuzz-user",
        ["version"] = "1",
        ["from"] = "1",
        ["to"] = "2",
        ["format"] = "json",
        ["contentContains"] = "a",
        ["tags"] = "a",
        ["clientIP"] = "127.0.0.1",
        ["Long-Pulling-Timeout"] = "30000",
        ["Long-Pulling-Timeout-No-Hangup"] = "true",
        ["Client-Version"] = "Nacos-Java-Client:v1.4.1",
        ["Accept"] = "application/json",
    };

    public static string For(string name, string? type = null) =>
        ByName.TryGetValue(name, out var value) ? value : type switch
        {
            "integer" => "1",
            "number" => "1.5",
            "boolean" => "true",
            _ => "fuzz",
        };

    /// <summary>JSON values for body properties the schema sampler cannot tell from their type alone (a null is sent as JSON null).</summary>
    private static readonly Dictionary<string, Func<JsonNode?>> JsonByName = new(StringComparer.Ordinal)
    {
        ["password"] = () => "fuzz-password-1",
        ["username"] = () => "fuzz-user",
        ["roles"] = () => new JsonArray("fuzz-role"),
        ["scopes"] = () => new JsonArray("config:read"),
        ["namespaces"] = () => new JsonArray(Namespace),
        ["groups"] = () => new JsonArray(Group),
        ["actions"] = () => new JsonArray("read"),
        ["kind"] = () => "config",
        ["content"] = () => "a=b",
        ["type"] = () => "properties",
        ["timeoutMs"] = () => 1000,
        ["md5"] = () => "",
        ["expectedMd5"] = () => null,
        ["expectedVersion"] = () => null,
        ["expiresAt"] = () => null,
        ["instanceId"] = () => null,
        ["revision"] = () => null,
        ["version"] = () => 1,
        ["ip"] = () => "127.0.0.1",
        ["port"] = () => 9,
        ["weight"] = () => 1.0,
        ["protectThreshold"] = () => 0.5,
        ["id"] = () => "fuzz-ns",
        ["namespace"] = () => Namespace,
        ["group"] = () => Group,
        ["dataId"] = () => DataId,
        ["cluster"] = () => "DEFAULT",
        ["clientId"] = () => "fuzz-client",
        ["healthCheck"] = () => null,
        ["clusters"] = () => null,
        ["name"] = () => "fuzz",
        ["path"] = () => "/health",
    };

    public static bool TryJsonFor(string property, out JsonNode? value)
    {
        value = JsonByName.TryGetValue(property, out var make) ? make() : null;
        return make is not null;
    }
}
