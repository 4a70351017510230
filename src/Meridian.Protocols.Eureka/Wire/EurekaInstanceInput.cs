namespace Meridian.Protocols.Eureka.Wire;

/// <summary>A registration as a Eureka client sent it (JSON or XML), read leniently: absent fields stay null.</summary>
internal sealed record EurekaInstanceInput
{
    public string? InstanceId { get; init; }
    public string? HostName { get; init; }
    public string? App { get; init; }
    public string? IpAddr { get; init; }
    public string? Status { get; init; }
    public int? Port { get; init; }
    public bool PortEnabled { get; init; } = true;
    public int? SecurePort { get; init; }
    public bool SecurePortEnabled { get; init; }
    public int? CountryId { get; init; }
    public string? DataCenterName { get; init; }
    public string? DataCenterClass { get; init; }
    public IReadOnlyDictionary<string, string>? DataCenterMetadata { get; init; }
    public bool HasDataCenterInfo { get; init; }
    public int? RenewalIntervalInSecs { get; init; }
    public int? DurationInSecs { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public string? HomePageUrl { get; init; }
    public string? StatusPageUrl { get; init; }
    public string? HealthCheckUrl { get; init; }
    public string? SecureHealthCheckUrl { get; init; }
    public string? VipAddress { get; init; }
    public string? SecureVipAddress { get; init; }
    public string? AppGroupName { get; init; }
    public string? AsgName { get; init; }
    public long? LastDirtyTimestamp { get; init; }

    /// <summary>Eureka's <c>getId()</c>: the instance id, else the Amazon instance-id, else the host name.</summary>
    public string? Id =>
        !string.IsNullOrEmpty(InstanceId) ? InstanceId
        : string.Equals(DataCenterName, "Amazon", StringComparison.OrdinalIgnoreCase) && DataCenterMetadata?.GetValueOrDefault("instance-id") is { Length: > 0 } amazonId ? amazonId
        : HostName;

    /// <summary>Eureka's own registration checks, in its order and words (ApplicationResource.addInstance).</summary>
    public string? Problem(string appInPath)
    {
        if (string.IsNullOrEmpty(Id))
        {
            return "Missing instanceId";
        }

        if (string.IsNullOrEmpty(HostName))
        {
            return "Missing hostname";
        }

        if (string.IsNullOrEmpty(IpAddr))
        {
            return "Missing ip address";
        }

        if (string.IsNullOrEmpty(App))
        {
            return "Missing appName";
        }

        if (!string.Equals(App, appInPath, StringComparison.OrdinalIgnoreCase))
        {
            return $"Mismatched appName, expecting {appInPath.ToUpperInvariant()} but was {App.ToUpperInvariant()}";
        }

        if (HasDataCenterInfo && string.IsNullOrEmpty(DataCenterName))
        {
            return "Missing dataCenterInfo Name";
        }

        return null;
    }
}
