using System.Text.Json;
using Meridian.Naming;
using Meridian.Protocols.Nacos.Http;

namespace Meridian.Protocols.Nacos.Naming;

/// <summary>
/// The <c>beat</c> parameter (Nacos' RsInfo): enough to re-register an instance the server lost, which is how
/// Nacos clients heal after a server restart or an expiry. Unknown fields (<c>scheduled</c>, <c>period</c>) are ignored.
/// </summary>
internal sealed record NacosBeat(string Ip, int Port, string Cluster, double? Weight, bool Ephemeral, Dictionary<string, string>? Metadata)
{
    public static NacosBeat? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new NacosException(StatusCodes.Status400BadRequest, "Param 'beat' must be a JSON object.");
            }

            var ip = Text(root, "ip") ?? throw NacosException.MissingParameter("beat.ip");
            var port = Number(root, "port") is { } p ? (int)p : throw NacosException.MissingParameter("beat.port");
            return new NacosBeat(
                ip,
                port,
                NacosInstanceLocator.Cluster(Text(root, "cluster")),
                Number(root, "weight"),
                !root.TryGetProperty("ephemeral", out var eph) || eph.ValueKind != JsonValueKind.False,
                root.TryGetProperty("metadata", out var metadata) ? NacosMetadata.FromJson(metadata) : null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string the parser accepted but cannot turn into text (a lone surrogate escape).
            throw new NacosException(StatusCodes.Status400BadRequest, $"Param 'beat' is not valid JSON: {e.Message}");
        }
    }

    public InstanceRegistration ToRegistration(string? instanceId) => new()
    {
        InstanceId = instanceId,
        Ip = Ip,
        Port = Port,
        Cluster = Cluster,
        Weight = Weight is > 0 ? Weight : null,
        Ephemeral = Ephemeral,
        Metadata = Metadata,
    };

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
    }
}
