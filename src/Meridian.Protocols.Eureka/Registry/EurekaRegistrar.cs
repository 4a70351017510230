using System.Globalization;
using System.Text.Json;
using Meridian.Namespaces;
using Meridian.Auth;
using Meridian.Naming;
using Meridian.Protocols.Eureka.Wire;
using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Eureka.Registry;

/// <summary>
/// Eureka's writes on the registry: register, renew, cancel, status overrides and metadata. A Eureka lease becomes
/// an ephemeral instance whose heartbeat and delete timeouts are both one lease duration
/// (<c>preserved.heart.beat.timeout</c> / <c>preserved.ip.delete.timeout</c>), so the registry's own sweep expires it
/// at one duration, where Eureka takes two.
/// </summary>
internal sealed class EurekaRegistrar(
    RegistryCommands commands,
    NamespaceCommands namespaces,
    EurekaApps apps,
    EurekaRenewalMeter renewals,
    TimeProvider time,
    IOptions<EurekaOptions> options)
{
    private readonly EurekaOptions _options = options.Value;

    public async Task RegisterAsync(string appInPath, EurekaInstanceInput input, Caller caller, CancellationToken cancellationToken)
    {
        if (input.Problem(appInPath) is { } problem)
        {
            throw new EurekaException(StatusCodes.Status400BadRequest, problem);
        }

        var clientStatus = input.Status is null ? EurekaStatus.Up
            : EurekaStatus.Normalize(input.Status) ?? throw new EurekaException(
                StatusCodes.Status400BadRequest, $"Unknown status '{input.Status}'; use one of {string.Join(", ", EurekaStatus.All)}.");

        await namespaces.EnsureAsync(apps.Namespace, caller, cancellationToken);
        var id = input.Id!;
        var (key, existing) = Find(appInPath, id) is { } found ? found : (apps.Resolve(appInPath), (Instance?)null);

        // A copy this server already has with a newer dirty timestamp wins, as in Eureka: keep it and count this as a renewal.
        if (existing is not null && input.LastDirtyTimestamp is { } incoming &&
            EurekaMetadata.GetLong(existing, EurekaMetadata.LastDirty) is { } current && current > incoming)
        {
            await RefreshAsync(key, existing, caller, cancellationToken);
            return;
        }

        var overridden = existing is null ? null : EurekaStatus.Normalize(EurekaMetadata.Get(existing, EurekaMetadata.OverriddenStatus));
        var status = EffectiveStatus(clientStatus, overridden, existing);
        var (healthy, enabled) = EurekaStatus.ToFlags(status);
        await commands.RegisterAsync(key, new InstanceRegistration
        {
            InstanceId = id,
            Ip = input.IpAddr!,
            Port = input.Port ?? 7001,
            Weight = existing?.Weight,
            Healthy = healthy,
            Enabled = enabled,
            Ephemeral = true,
            Cluster = existing?.Cluster,
            Metadata = BuildMetadata(input, status, overridden, existing),
        }, caller, cancellationToken);
    }

    /// <summary>
    /// Renews a lease. False (404 to the client, which then registers again) when the instance is unknown, when the
    /// client holds newer data than the server, or when its status is UNKNOWN after an override was removed.
    /// </summary>
    public async Task<bool> RenewAsync(string app, string id, long? clientDirtyTimestamp, Caller caller, CancellationToken cancellationToken)
    {
        renewals.Record();
        if (Find(app, id) is not (var key, var instance))
        {
            return false;
        }

        if (clientDirtyTimestamp is { } dirty && EurekaMetadata.GetLong(instance, EurekaMetadata.LastDirty) is { } mine && dirty > mine)
        {
            return false;
        }

        if (EurekaStatus.Of(instance) == EurekaStatus.Unknown)
        {
            return false;
        }

        if (instance.Healthy || !EurekaStatus.IsDeliberatelyNotUp(instance))
        {
            return await commands.HeartbeatAsync(key, id, caller, cancellationToken);
        }

        // A heartbeat would revive an instance that said it is DOWN; re-registering it unchanged only renews the lease.
        await RefreshAsync(key, instance, caller, cancellationToken);
        return true;
    }

    public async Task<bool> CancelAsync(string app, string id, Caller caller, CancellationToken cancellationToken)
    {
        if (Find(app, id) is not (var key, var instance))
        {
            return false;
        }

        try
        {
            await commands.DeregisterAsync(key, id, caller, cancellationToken);
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    /// <summary><c>PUT …/status?value=</c>: an override that wins over what the client reports, until removed. Also renews.</summary>
    public async Task<bool> OverrideStatusAsync(string app, string id, string? value, Caller caller, CancellationToken cancellationToken)
    {
        var status = RequireStatus(value);
        if (Find(app, id) is not (var key, var instance))
        {
            return false;
        }

        var metadata = new Dictionary<string, string>(instance.Metadata, StringComparer.Ordinal)
        {
            [EurekaMetadata.OverriddenStatus] = status,
            [EurekaMetadata.Status] = status,
            [EurekaMetadata.LastUpdated] = Now(),
        };
        await ReplaceAsync(key, instance, status, metadata, caller, cancellationToken);
        return true;
    }

    /// <summary><c>DELETE …/status[?value=]</c>: drops the override; the status becomes <c>value</c>, by default UNKNOWN.</summary>
    public async Task<bool> RemoveOverrideAsync(string app, string id, string? value, Caller caller, CancellationToken cancellationToken)
    {
        var status = value is null ? EurekaStatus.Unknown : RequireStatus(value);
        if (Find(app, id) is not (var key, var instance))
        {
            return false;
        }

        var metadata = new Dictionary<string, string>(instance.Metadata, StringComparer.Ordinal)
        {
            [EurekaMetadata.Status] = status,
            [EurekaMetadata.LastUpdated] = Now(),
        };
        metadata.Remove(EurekaMetadata.OverriddenStatus);
        await ReplaceAsync(key, instance, status, metadata, caller, cancellationToken);
        return true;
    }

    /// <summary><c>PUT …/metadata?k=v</c>: merges the pairs into the instance's metadata.</summary>
    public async Task<bool> UpdateMetadataAsync(string app, string id, IEnumerable<KeyValuePair<string, string>> pairs, Caller caller, CancellationToken cancellationToken)
    {
        if (Find(app, id) is not (var key, var instance))
        {
            return false;
        }

        var metadata = new Dictionary<string, string>(instance.Metadata, StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            if (EurekaMetadata.IsInternal(name))
            {
                throw new EurekaException(StatusCodes.Status400BadRequest, $"Metadata key '{name}' is reserved for the server's bookkeeping; choose another name.");
            }

            metadata[name] = value;
        }

        metadata[EurekaMetadata.LastUpdated] = Now();
        await commands.UpdateInstanceAsync(key, id, new InstancePatch { Metadata = metadata }, caller, cancellationToken);
        return true;
    }

    /// <summary>Eureka's override rules, first match wins (registry/rule/*).</summary>
    private static string EffectiveStatus(string clientStatus, string? overridden, Instance? existing)
    {
        if (clientStatus is EurekaStatus.Down or EurekaStatus.Starting or EurekaStatus.Unknown)
        {
            return clientStatus;
        }

        if (overridden is not null and not EurekaStatus.Unknown)
        {
            return overridden;
        }

        var kept = existing is null ? null : EurekaStatus.Of(existing);
        if (kept is EurekaStatus.Up or EurekaStatus.OutOfService)
        {
            return kept;
        }

        return clientStatus;
    }

    private Dictionary<string, string> BuildMetadata(EurekaInstanceInput input, string status, string? overridden, Instance? existing)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in input.Metadata ?? new Dictionary<string, string>(0))
        {
            if (!EurekaMetadata.IsInternal(key))
            {
                metadata[key] = value;
            }
        }

        var now = Now();
        metadata[EurekaMetadata.HostName] = input.HostName!;
        metadata[EurekaMetadata.Status] = status;
        Put(metadata, EurekaMetadata.OverriddenStatus, overridden is EurekaStatus.Unknown ? null : overridden);
        Put(metadata, EurekaMetadata.VipAddress, input.VipAddress);
        Put(metadata, EurekaMetadata.SecureVipAddress, input.SecureVipAddress);
        Put(metadata, EurekaMetadata.HomePageUrl, input.HomePageUrl);
        Put(metadata, EurekaMetadata.StatusPageUrl, input.StatusPageUrl);
        Put(metadata, EurekaMetadata.HealthCheckUrl, input.HealthCheckUrl);
        Put(metadata, EurekaMetadata.SecureHealthCheckUrl, input.SecureHealthCheckUrl);
        Put(metadata, EurekaMetadata.AppGroupName, input.AppGroupName);
        Put(metadata, EurekaMetadata.AsgName, input.AsgName);
        Put(metadata, EurekaMetadata.PortEnabled, input.PortEnabled ? null : "false");
        Put(metadata, EurekaMetadata.SecurePort, input.SecurePort?.ToString(CultureInfo.InvariantCulture));
        Put(metadata, EurekaMetadata.SecurePortEnabled, input.SecurePortEnabled ? "true" : null);
        Put(metadata, EurekaMetadata.CountryId, input.CountryId is { } country and not 1 ? country.ToString(CultureInfo.InvariantCulture) : null);
        Put(metadata, EurekaMetadata.DataCenterName, input.DataCenterName is { } dc and not "MyOwn" ? dc : null);
        Put(metadata, EurekaMetadata.DataCenterClass, input.DataCenterClass is { } cls && cls != EurekaInstanceView.DefaultDataCenterClass && cls != EurekaInstanceView.AmazonDataCenterClass ? cls : null);
        Put(metadata, EurekaMetadata.DataCenterMetadata, input.DataCenterMetadata is { Count: > 0 } dcMetadata ? ToJson(dcMetadata) : null);
        metadata[EurekaMetadata.RegisteredAt] = (existing is null ? null : EurekaMetadata.Get(existing, EurekaMetadata.RegisteredAt)) ?? now;
        metadata[EurekaMetadata.LastUpdated] = now;
        metadata[EurekaMetadata.LastDirty] = input.LastDirtyTimestamp?.ToString(CultureInfo.InvariantCulture) ?? now;

        var duration = input.DurationInSecs is > 0 ? TimeSpan.FromSeconds(input.DurationInSecs.Value) : _options.DefaultLeaseDuration;
        var interval = input.RenewalIntervalInSecs is > 0 ? TimeSpan.FromSeconds(input.RenewalIntervalInSecs.Value) : _options.DefaultRenewalInterval;
        var durationMillis = ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        metadata[PreservedMetadata.HeartbeatTimeout] = durationMillis;
        metadata[PreservedMetadata.DeleteTimeout] = durationMillis;
        metadata[PreservedMetadata.HeartbeatInterval] = ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        return metadata;
    }

    private async Task ReplaceAsync(ServiceKey key, Instance instance, string status, Dictionary<string, string> metadata, Caller caller, CancellationToken cancellationToken)
    {
        var (healthy, enabled) = EurekaStatus.ToFlags(status);
        await commands.RegisterAsync(key, Registration(instance) with { Healthy = healthy, Enabled = enabled, Metadata = metadata }, caller, cancellationToken);
    }

    private Task RefreshAsync(ServiceKey key, Instance instance, Caller caller, CancellationToken cancellationToken) =>
        commands.RegisterAsync(key, Registration(instance), caller, cancellationToken);

    private static InstanceRegistration Registration(Instance instance) => new()
    {
        InstanceId = instance.InstanceId,
        Ip = instance.Ip,
        Port = instance.Port,
        Weight = instance.Weight,
        Healthy = instance.Healthy,
        Enabled = instance.Enabled,
        Ephemeral = instance.Ephemeral,
        Cluster = instance.Cluster,
        Metadata = instance.Metadata,
    };

    private (ServiceKey Key, Instance Instance)? Find(string app, string id)
    {
        foreach (var key in apps.Find(app))
        {
            if (apps.Service(key) is { } snapshot && EurekaRegistryView.FindById(snapshot, id) is { } instance)
            {
                return (key, instance);
            }
        }

        return null;
    }

    private static string RequireStatus(string? value) =>
        EurekaStatus.Normalize(value) ?? throw new EurekaException(
            StatusCodes.Status400BadRequest, $"Parameter 'value' must be one of {string.Join(", ", EurekaStatus.All)}; got '{value}'.");

    private string Now() => time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string ToJson(IReadOnlyDictionary<string, string> map)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in map)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Put(Dictionary<string, string> metadata, string key, string? value)
    {
        if (value is not null)
        {
            metadata[key] = value;
        }
    }
}
