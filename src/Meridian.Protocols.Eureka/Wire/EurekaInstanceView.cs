using System.Globalization;
using Meridian.Naming;

namespace Meridian.Protocols.Eureka.Wire;

/// <summary>
/// One registry instance as Eureka clients see it. Eureka registrations come back with the fields they were sent
/// (kept in <see cref="EurekaMetadata"/> keys); instances registered through Nacos or the native API get Eureka's
/// defaults, with the service name as VIP address so Spring's lookup by VIP finds them.
/// </summary>
internal sealed class EurekaInstanceView
{
    public const string DefaultDataCenterClass = "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo";
    public const string AmazonDataCenterClass = "com.netflix.appinfo.AmazonInfo";

    public EurekaInstanceView(string app, string serviceName, Instance instance, EurekaLeaseDefaults defaults, string actionType)
    {
        App = app;
        Instance = instance;
        ActionType = actionType;
        Status = EurekaStatus.Of(instance);
        HostName = EurekaMetadata.Get(instance, EurekaMetadata.HostName) ?? instance.Ip;
        OverriddenStatus = EurekaStatus.Normalize(EurekaMetadata.Get(instance, EurekaMetadata.OverriddenStatus)) ?? EurekaStatus.Unknown;
        PortEnabled = EurekaMetadata.Get(instance, EurekaMetadata.PortEnabled) != "false";
        SecurePort = (int?)EurekaMetadata.GetLong(instance, EurekaMetadata.SecurePort) ?? 443;
        SecurePortEnabled = EurekaMetadata.Get(instance, EurekaMetadata.SecurePortEnabled) == "true";
        CountryId = (int?)EurekaMetadata.GetLong(instance, EurekaMetadata.CountryId) ?? 1;
        DataCenterName = EurekaMetadata.Get(instance, EurekaMetadata.DataCenterName) ?? "MyOwn";
        DataCenterClass = EurekaMetadata.Get(instance, EurekaMetadata.DataCenterClass)
            ?? (DataCenterName == "Amazon" ? AmazonDataCenterClass : DefaultDataCenterClass);
        DataCenterMetadataJson = EurekaMetadata.Get(instance, EurekaMetadata.DataCenterMetadata);
        RenewalIntervalInSecs = Seconds(instance, PreservedMetadata.HeartbeatInterval) ?? defaults.RenewalIntervalInSecs;
        DurationInSecs = Seconds(instance, PreservedMetadata.DeleteTimeout) ?? defaults.DurationInSecs;
        RegistrationTimestamp = EurekaMetadata.GetLong(instance, EurekaMetadata.RegisteredAt) ?? 0;
        LastUpdatedTimestamp = EurekaMetadata.GetLong(instance, EurekaMetadata.LastUpdated) ?? RegistrationTimestamp;
        LastDirtyTimestamp = EurekaMetadata.GetLong(instance, EurekaMetadata.LastDirty) ?? LastUpdatedTimestamp;
        HomePageUrl = EurekaMetadata.Get(instance, EurekaMetadata.HomePageUrl)
            ?? (instance.Metadata.ContainsKey(EurekaMetadata.HostName) ? null : $"http://{instance.Ip}:{instance.Port.ToString(CultureInfo.InvariantCulture)}/");
        StatusPageUrl = EurekaMetadata.Get(instance, EurekaMetadata.StatusPageUrl);
        HealthCheckUrl = EurekaMetadata.Get(instance, EurekaMetadata.HealthCheckUrl);
        SecureHealthCheckUrl = EurekaMetadata.Get(instance, EurekaMetadata.SecureHealthCheckUrl);
        VipAddress = EurekaMetadata.Get(instance, EurekaMetadata.VipAddress) ?? (IsEurekaRegistered ? null : serviceName);
        SecureVipAddress = EurekaMetadata.Get(instance, EurekaMetadata.SecureVipAddress) ?? (IsEurekaRegistered ? null : serviceName);
        AppGroupName = EurekaMetadata.Get(instance, EurekaMetadata.AppGroupName);
        AsgName = EurekaMetadata.Get(instance, EurekaMetadata.AsgName);
    }

    public Instance Instance { get; }
    public string App { get; }
    public string InstanceId => Instance.InstanceId;
    public string HostName { get; }
    public string IpAddr => Instance.Ip;
    public string Status { get; }
    public string OverriddenStatus { get; }
    public int Port => Instance.Port;
    public bool PortEnabled { get; }
    public int SecurePort { get; }
    public bool SecurePortEnabled { get; }
    public int CountryId { get; }
    public string DataCenterName { get; }
    public string DataCenterClass { get; }

    /// <summary>Amazon data-center metadata as the JSON object it arrived as, or null.</summary>
    public string? DataCenterMetadataJson { get; }
    public int RenewalIntervalInSecs { get; }
    public int DurationInSecs { get; }
    public long RegistrationTimestamp { get; }
    public long LastUpdatedTimestamp { get; }
    public long LastDirtyTimestamp { get; }
    public string? HomePageUrl { get; }
    public string? StatusPageUrl { get; }
    public string? HealthCheckUrl { get; }
    public string? SecureHealthCheckUrl { get; }
    public string? VipAddress { get; }
    public string? SecureVipAddress { get; }
    public string? AppGroupName { get; }
    public string? AsgName { get; }
    public string ActionType { get; }

    private bool IsEurekaRegistered => Instance.Metadata.ContainsKey(EurekaMetadata.HostName);

    /// <summary>The application's own metadata, without Meridian's and Eureka's bookkeeping keys.</summary>
    public IEnumerable<KeyValuePair<string, string>> Metadata() => Instance.Metadata.Where(p => !EurekaMetadata.IsInternal(p.Key));

    private static int? Seconds(Instance instance, string key) =>
        EurekaMetadata.GetLong(instance, key) is { } ms and > 0 ? (int)Math.Max(1, ms / 1000) : null;
}

/// <summary>Lease figures shown for instances that did not register through Eureka: the registry's own heartbeat settings.</summary>
internal readonly record struct EurekaLeaseDefaults(int RenewalIntervalInSecs, int DurationInSecs);

/// <summary>One Eureka application: an upper-case name and its instances.</summary>
internal sealed record EurekaApplication(string Name, IReadOnlyList<EurekaInstanceView> Instances);
