using System.Globalization;
using System.Text.Json;

namespace Meridian.Protocols.Eureka.Wire;

/// <summary>
/// Reads a JSON registration as liberally as Eureka clients write them: <c>{"instance":{…}}</c> or the bare instance,
/// <c>port</c> as <c>{"$":8080,"@enabled":"true"}</c>, a bare number or a string, booleans and numbers as strings,
/// and <c>@class</c> markers optional.
/// </summary>
internal static class EurekaJsonReader
{
    public static EurekaInstanceInput Read(JsonElement root)
    {
        var instance = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("instance", out var wrapped) ? wrapped : root;
        if (instance.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The body must be a JSON object {\"instance\":{...}}.");
        }

        var (port, portEnabled) = Port(instance, "port", defaultEnabled: true);
        var (securePort, securePortEnabled) = Port(instance, "securePort", defaultEnabled: false);
        var hasDataCenter = instance.TryGetProperty("dataCenterInfo", out var dataCenter) && dataCenter.ValueKind == JsonValueKind.Object;
        var hasLease = instance.TryGetProperty("leaseInfo", out var lease) && lease.ValueKind == JsonValueKind.Object;
        return new EurekaInstanceInput
        {
            InstanceId = Text(instance, "instanceId"),
            HostName = Text(instance, "hostName"),
            App = Text(instance, "app"),
            IpAddr = Text(instance, "ipAddr"),
            Status = Text(instance, "status"),
            Port = port,
            PortEnabled = portEnabled,
            SecurePort = securePort,
            SecurePortEnabled = securePortEnabled,
            CountryId = Int(instance, "countryId"),
            HasDataCenterInfo = hasDataCenter,
            DataCenterName = hasDataCenter ? Text(dataCenter, "name") : null,
            DataCenterClass = hasDataCenter ? Text(dataCenter, "@class") : null,
            DataCenterMetadata = hasDataCenter && dataCenter.TryGetProperty("metadata", out var dcMetadata) ? Map(dcMetadata) : null,
            RenewalIntervalInSecs = hasLease ? Int(lease, "renewalIntervalInSecs") : null,
            DurationInSecs = hasLease ? Int(lease, "durationInSecs") : null,
            Metadata = instance.TryGetProperty("metadata", out var metadata) ? Map(metadata) : null,
            HomePageUrl = Text(instance, "homePageUrl"),
            StatusPageUrl = Text(instance, "statusPageUrl"),
            HealthCheckUrl = Text(instance, "healthCheckUrl"),
            SecureHealthCheckUrl = Text(instance, "secureHealthCheckUrl"),
            VipAddress = Text(instance, "vipAddress"),
            SecureVipAddress = Text(instance, "secureVipAddress"),
            AppGroupName = Text(instance, "appGroupName"),
            AsgName = Text(instance, "asgName"),
            LastDirtyTimestamp = Long(instance, "lastDirtyTimestamp"),
        };
    }

    private static string? Text(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    private static int? Int(JsonElement obj, string name) =>
        Long(obj, name) is { } value && value is >= int.MinValue and <= int.MaxValue ? (int)value : null;

    private static long? Long(JsonElement obj, string name) =>
        Text(obj, name) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static (int? Port, bool Enabled) Port(JsonElement obj, string name, bool defaultEnabled)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return (null, defaultEnabled);
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            var enabled = Text(value, "@enabled") is { } flag ? string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase) : defaultEnabled;
            return (Int(value, "$"), enabled);
        }

        var text = value.ValueKind is JsonValueKind.String or JsonValueKind.Number ? value.ToString() : null;
        return (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : null, defaultEnabled);
    }

    /// <summary>A string map without Eureka's <c>@class</c> type marker (<c>java.util.Collections$EmptyMap</c>).</summary>
    private static Dictionary<string, string>? Map(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Name == "@class")
            {
                continue;
            }

            map[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Null => "",
                _ => property.Value.GetRawText(),
            };
        }

        return map;
    }
}
