using Meridian.Naming;

namespace Meridian.Protocols.Eureka;

/// <summary>
/// Instance metadata keys that carry the Eureka fields Meridian's instance has no place for, so a Eureka instance
/// survives the trip through the core and comes back out the same. Eureka clients never see these keys as metadata;
/// Nacos and native clients do, which also tells them where an instance came from.
/// </summary>
internal static class EurekaMetadata
{
    public const string Prefix = "eureka.";

    public const string HostName = Prefix + "hostName";
    public const string Status = Prefix + "status";
    public const string OverriddenStatus = Prefix + "overriddenStatus";
    public const string VipAddress = Prefix + "vipAddress";
    public const string SecureVipAddress = Prefix + "secureVipAddress";
    public const string HomePageUrl = Prefix + "homePageUrl";
    public const string StatusPageUrl = Prefix + "statusPageUrl";
    public const string HealthCheckUrl = Prefix + "healthCheckUrl";
    public const string SecureHealthCheckUrl = Prefix + "secureHealthCheckUrl";
    public const string PortEnabled = Prefix + "portEnabled";
    public const string SecurePort = Prefix + "securePort";
    public const string SecurePortEnabled = Prefix + "securePortEnabled";
    public const string CountryId = Prefix + "countryId";
    public const string DataCenterName = Prefix + "dataCenterName";
    public const string DataCenterClass = Prefix + "dataCenterClass";
    public const string DataCenterMetadata = Prefix + "dataCenterMetadata";
    public const string AppGroupName = Prefix + "appGroupName";
    public const string AsgName = Prefix + "asgName";
    public const string RegisteredAt = Prefix + "registrationTimestamp";
    public const string LastUpdated = Prefix + "lastUpdatedTimestamp";
    public const string LastDirty = Prefix + "lastDirtyTimestamp";

    /// <summary>Keys that are Meridian's or Eureka's bookkeeping, not the application's own metadata.</summary>
    public static bool IsInternal(string key) =>
        key.StartsWith(Prefix, StringComparison.Ordinal) ||
        key is PreservedMetadata.HeartbeatInterval or PreservedMetadata.HeartbeatTimeout or PreservedMetadata.DeleteTimeout;

    public static string? Get(Instance instance, string key) => instance.Metadata.TryGetValue(key, out var value) ? value : null;

    public static long? GetLong(Instance instance, string key) =>
        Get(instance, key) is { } text && long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
