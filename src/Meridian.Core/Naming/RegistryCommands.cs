using Meridian.Auth;
using Meridian.Changes;
using Meridian.Limits;
using Meridian.Namespaces;
using Meridian.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Naming;

/// <summary>
/// Every write to the registry: validates, reads the projection under the entity's gate, appends one change to the
/// log with what must still hold, and returns once the change is durable and applied. Nothing here touches memory.
/// </summary>
public sealed partial class RegistryCommands(
    ChangeLog log,
    RegistryProjection registry,
    InstanceLeases leases,
    NamespaceCatalog namespaces,
    TimeProvider time,
    IOptions<RegistryOptions> options,
    IOptions<LimitOptions> limits,
    Health.HeartbeatSharing sharing,
    Telemetry.ServerMetrics metrics,
    ILogger<RegistryCommands> logger)
{
    private readonly KeyedGate _gates = new();

    /// <summary>The interval clients are told to send heartbeats at.</summary>
    public TimeSpan HeartbeatInterval => options.Value.HeartbeatInterval;

    public Task<Instance> RegisterAsync(ServiceKey key, InstanceRegistration registration, Caller caller, CancellationToken cancellationToken) =>
        RegisterAsync(key, registration, owner: null, caller, cancellationToken);

    /// <summary>
    /// Registers an instance. With an <paramref name="owner"/> (a client session), an ephemeral instance lives as long
    /// as that session instead of by heartbeat; persistent ones ignore it. Registering again renews the lease, and the
    /// latest registrant owns the instance.
    /// </summary>
    public async Task<Instance> RegisterAsync(ServiceKey key, InstanceRegistration registration, string? owner, Caller caller, CancellationToken cancellationToken) =>
        (await RegisterInstanceAsync(key, registration, owner, caller, cancellationToken)).Instance;

    /// <summary>As <see cref="RegisterAsync(ServiceKey, InstanceRegistration, string?, Caller, CancellationToken)"/>, and says whether the instance is new.</summary>
    public async Task<InstanceRegistered> RegisterInstanceAsync(ServiceKey key, InstanceRegistration registration, string? owner, Caller caller, CancellationToken cancellationToken)
    {
        caller.Demand(key, AccessActions.Write);
        var instance = InstanceRules.Build(key, registration);
        using var activity = metrics.Activities.StartActivity("meridian.register");
        activity?.SetTag("meridian.service", key.ToString());
        activity?.SetTag("meridian.instance", instance.InstanceId);
        namespaces.RequireExisting(key.Namespace);
        owner = instance.Ephemeral ? owner : null;
        using (await _gates.EnterAsync((key, instance.InstanceId), cancellationToken))
        {
            var current = registry.GetService(key)?.Find(instance.InstanceId);
            var lease = leases.Find(key, instance.InstanceId);
            if (current is not null && current.Ephemeral != instance.Ephemeral)
            {
                throw new ConflictException(
                    $"Instance '{instance.InstanceId}' is registered as {(current.Ephemeral ? "ephemeral" : "persistent")}; deregister it before registering it as {(instance.Ephemeral ? "ephemeral" : "persistent")}.");
            }

            if (current is not null && lease is not null && InstanceRules.Same(current, instance) && lease.Owner == owner)
            {
                // Nothing a reader can see changes: the registration is a sign of life only.
                lease.Beat(time.GetTimestamp());
                return new InstanceRegistered(current, Created: false);
            }

            if (current is null)
            {
                CheckRoomFor(key, registry.GetService(key));
            }

            await log.AppendAsync(
                new ChangeRequest(
                    new InstanceSaved(key, instance, owner, InstanceSaveReason.Registered, Created: current is null),
                    NamespaceMustExist(key.Namespace),
                    Unchanged(key, instance.InstanceId, lease)),
                cancellationToken);
            if (current is null)
            {
                metrics.Registered();
                LogRegistered(instance.InstanceId, key, instance.Ephemeral ? "ephemeral" : "persistent", caller.Name, caller.SourceAddress);
            }

            return new InstanceRegistered(instance, Created: current is null);
        }
    }

    public async Task DeregisterAsync(ServiceKey key, string instanceId, Caller caller, CancellationToken cancellationToken)
    {
        caller.Demand(key, AccessActions.Write);
        using (await _gates.EnterAsync((key, instanceId), cancellationToken))
        {
            var service = registry.GetService(key) ?? throw InstanceRules.ServiceNotFound(key);
            var current = service.Find(instanceId) ?? throw InstanceRules.InstanceNotFound(key, instanceId);
            await RemoveAsync(key, current, InstanceRemovalReason.Deregistered, cancellationToken);
            metrics.Deregistered();
            LogDeregistered(instanceId, key, caller.Name, caller.SourceAddress);
        }
    }

    public async Task<Instance> UpdateInstanceAsync(ServiceKey key, string instanceId, InstancePatch patch, Caller caller, CancellationToken cancellationToken)
    {
        caller.Demand(key, AccessActions.Write);
        InstanceRules.ValidatePatch(patch);
        using (await _gates.EnterAsync((key, instanceId), cancellationToken))
        {
            var service = registry.GetService(key) ?? throw InstanceRules.ServiceNotFound(key);
            var current = service.Find(instanceId) ?? throw InstanceRules.InstanceNotFound(key, instanceId);
            var updated = InstanceRules.ApplyPatch(current, patch);
            if (InstanceRules.Same(current, updated))
            {
                return current;
            }

            await SaveAsync(key, updated, InstanceSaveReason.Updated, cancellationToken);
            return updated;
        }
    }

    /// <summary>Marks an instance healthy or not; used by probes, the expiry sweep and clients reporting their own health.</summary>
    public async Task<bool> SetHealthAsync(ServiceKey key, string instanceId, bool healthy, Caller caller, CancellationToken cancellationToken)
    {
        caller.Demand(key, AccessActions.Write);
        using (await _gates.EnterAsync((key, instanceId), cancellationToken))
        {
            if (registry.GetService(key)?.Find(instanceId) is not { } current)
            {
                return false;
            }

            if (current.Healthy != healthy)
            {
                await SaveAsync(key, current with { Healthy = healthy }, InstanceSaveReason.HealthChanged, cancellationToken);
            }

            return true;
        }
    }

    /// <summary>
    /// Renews an ephemeral instance: one timestamp written, no lock, no allocation, nothing stored and nothing awaited,
    /// unless the instance was marked unhealthy and comes back; then its health is stored before this completes, so the
    /// caller's next read sees it healthy. False when the instance is not registered.
    /// </summary>
    public ValueTask<bool> HeartbeatAsync(ServiceKey key, string instanceId, Caller caller, CancellationToken cancellationToken)
    {
        caller.Demand(key, AccessActions.Write);
        if (leases.Find(key, instanceId) is not { } lease)
        {
            return ValueTask.FromResult(false);
        }

        lease.Beat(time.GetTimestamp());
        sharing.Beat(key, instanceId);
        metrics.Heartbeat();
        return lease.Ephemeral && lease.MarkedUnhealthy ? ReviveAsync(key, instanceId, cancellationToken) : ValueTask.FromResult(true);
    }

    /// <summary>Stamps an instance's lease without reviving it: for whoever renews on a client's behalf (Eureka self-preservation).</summary>
    public bool RenewLease(ServiceKey key, string instanceId, Caller caller)
    {
        caller.Demand(key, AccessActions.Write);
        if (leases.Find(key, instanceId) is not { } lease)
        {
            return false;
        }

        lease.Beat(time.GetTimestamp());
        sharing.Beat(key, instanceId);
        return true;
    }

    /// <summary>Creates or updates a service's settings. The service is then kept even with no instances.</summary>
    public async Task<ServiceSnapshot> UpsertServiceAsync(ServiceKey key, ServiceDefinition definition, Caller caller, CancellationToken cancellationToken)
    {
        caller.Demand(key, AccessActions.Write);
        InstanceRules.ValidateKey(key);
        InstanceRules.ValidateDefinition(definition);
        namespaces.RequireExisting(key.Namespace);
        using (await _gates.EnterAsync(key, cancellationToken))
        {
            if (registry.GetService(key) is null)
            {
                CheckRoomFor(key, service: null);
            }

            await log.AppendAsync(new ChangeRequest(new ServiceSaved(key, definition), NamespaceMustExist(key.Namespace)), cancellationToken);
            return registry.GetService(key) ?? throw InstanceRules.ServiceNotFound(key);
        }
    }

    /// <summary>Deletes a service that has no instances; a registration that lands meanwhile makes it fail with a conflict.</summary>
    public async Task DeleteServiceAsync(ServiceKey key, Caller caller, CancellationToken cancellationToken)
    {
        caller.Demand(key, AccessActions.Write);
        using (await _gates.EnterAsync(key, cancellationToken))
        {
            var service = registry.GetService(key) ?? throw InstanceRules.ServiceNotFound(key);
            if (service.Count > 0)
            {
                throw new ConflictException(
                    $"Service '{key}' still has {service.Count} instance(s); deregister them before deleting the service.");
            }

            await log.AppendAsync(
                new ChangeRequest(
                    new ServiceRemoved(key),
                    new RevisionIs(EntityRef.OfService(key), service.Revision, $"Service '{key}' changed while being deleted (an instance registered meanwhile); try again.")),
                cancellationToken);
        }
    }

    /// <summary>
    /// Marks ephemeral instances whose heartbeat is overdue unhealthy and removes those overdue past the delete timeout.
    /// Instances held by a live connection are skipped: the connection vouches for them.
    /// </summary>
    public async Task SweepExpiredAsync(CancellationToken cancellationToken)
    {
        List<Task>? work = null;
        foreach (var lease in leases.All)
        {
            if (IsDue(lease, time.GetElapsedTime(lease.LastBeat)))
            {
                (work ??= []).Add(ExpireAsync(lease, cancellationToken));
            }
        }

        if (work is not null)
        {
            await Task.WhenAll(work);
        }
    }

    /// <summary>
    /// Removes the ephemeral instances a client session owns, once its connection is gone for good. Instances another
    /// registrant has taken over since are left alone. Returns how many were removed.
    /// </summary>
    public async Task<int> ReleaseOwnerAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var removed = await Task.WhenAll(leases.OwnedBy(owner).Select(id => ReleaseAsync(id.Key, id.Id, owner, cancellationToken)));
        return removed.Count(r => r);
    }

    private async Task<bool> ReleaseAsync(ServiceKey key, string instanceId, string owner, CancellationToken cancellationToken)
    {
        using (await _gates.EnterAsync((key, instanceId), cancellationToken))
        {
            if (leases.Find(key, instanceId) is not { } lease || lease.Owner != owner || registry.GetService(key)?.Find(instanceId) is not { } current)
            {
                return false;
            }

            await RemoveAsync(key, current, InstanceRemovalReason.ConnectionLost, cancellationToken);
            metrics.Expired();
            LogReleased(key, instanceId, owner);
            return true;
        }
    }

    private async Task ExpireAsync(InstanceLease due, CancellationToken cancellationToken)
    {
        try
        {
            using (await _gates.EnterAsync((due.Key, due.InstanceId), cancellationToken))
            {
                // Look again under the gate: a heartbeat or a new registration may have come since the scan.
                if (leases.Find(due.Key, due.InstanceId) is not { } lease || registry.GetService(due.Key)?.Find(due.InstanceId) is not { } current)
                {
                    return;
                }

                var silence = time.GetElapsedTime(lease.LastBeat);
                if (!lease.LivesByHeartbeat)
                {
                    return;
                }

                if (silence >= lease.DeleteTimeout)
                {
                    await RemoveAsync(due.Key, current, InstanceRemovalReason.Expired, cancellationToken);
                    metrics.Expired();
                    LogExpired(due.Key, due.InstanceId, silence.TotalSeconds);
                }
                else if (silence >= lease.HeartbeatTimeout && current.Healthy)
                {
                    await SaveAsync(due.Key, current with { Healthy = false }, InstanceSaveReason.HealthChanged, cancellationToken);
                    LogUnhealthy(due.Key, due.InstanceId, silence.TotalSeconds);
                }
            }
        }
        catch (Exception e) when (e is MeridianException)
        {
            LogSweepFailed(e, due.Key, due.InstanceId);
        }
    }

    private async ValueTask<bool> ReviveAsync(ServiceKey key, string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            return await SetHealthAsync(key, instanceId, healthy: true, Caller.System, cancellationToken);
        }
        catch (StorageUnavailableException e)
        {
            // The heartbeat itself counted; the health follows at the next heartbeat.
            LogSweepFailed(e, key, instanceId);
            return true;
        }
    }

    /// <summary>A new instance needs room in its service, and a new service room in its namespace. O(1): both counts are kept.</summary>
    private void CheckRoomFor(ServiceKey key, ServiceSnapshot? service)
    {
        if (service is null)
        {
            Quota.ThrowIfReached(registry.ServiceCount(key.Namespace), limits.Value.MaxServicesPerNamespace,
                nameof(LimitOptions.MaxServicesPerNamespace), $"Namespace '{key.Namespace}'", metrics);
        }
        else
        {
            Quota.ThrowIfReached(service.Count, limits.Value.MaxInstancesPerService, nameof(LimitOptions.MaxInstancesPerService), $"Service '{key}'", metrics);
        }
    }

    private static bool IsDue(InstanceLease lease, TimeSpan silence) =>
        lease.LivesByHeartbeat && (silence >= lease.DeleteTimeout || (silence >= lease.HeartbeatTimeout && !lease.MarkedUnhealthy));

    /// <summary>Stores a new state of an existing instance, keeping its owner. The caller holds the instance's gate.</summary>
    private Task SaveAsync(ServiceKey key, Instance instance, InstanceSaveReason reason, CancellationToken cancellationToken)
    {
        var lease = leases.Find(key, instance.InstanceId);
        return log.AppendAsync(
            new ChangeRequest(new InstanceSaved(key, instance, lease?.Owner, reason, Created: false), Unchanged(key, instance.InstanceId, lease)),
            cancellationToken);
    }

    /// <summary>The caller holds the instance's gate.</summary>
    private Task RemoveAsync(ServiceKey key, Instance current, InstanceRemovalReason reason, CancellationToken cancellationToken) =>
        log.AppendAsync(
            new ChangeRequest(new InstanceRemoved(key, current, reason), Unchanged(key, current.InstanceId, leases.Find(key, current.InstanceId))),
            cancellationToken);

    private static RevisionIs Unchanged(ServiceKey key, string instanceId, InstanceLease? lease) =>
        new(EntityRef.OfInstance(key, instanceId), lease?.Revision ?? 0,
            $"Instance '{instanceId}' of service '{key}' was changed by someone else meanwhile; read it again and retry.");

    private static NamespaceExists NamespaceMustExist(string ns) =>
        new(ns, $"Namespace '{ns}' does not exist (it was deleted meanwhile); create it first (POST /v1/namespaces) or use 'public'.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} of {Service} registered ({Kind}) by {Caller} from {Address}")]
    private partial void LogRegistered(string instanceId, ServiceKey service, string kind, string caller, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} of {Service} deregistered by {Caller} from {Address}")]
    private partial void LogDeregistered(string instanceId, ServiceKey service, string caller, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} of {Service} marked unhealthy: no heartbeat for {Seconds:F1} s")]
    private partial void LogUnhealthy(ServiceKey service, string instanceId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} of {Service} removed: no heartbeat for {Seconds:F1} s")]
    private partial void LogExpired(ServiceKey service, string instanceId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} of {Service} removed: its client session {Owner} is gone")]
    private partial void LogReleased(ServiceKey service, string instanceId, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the health of instance {InstanceId} of {Service}; the next sweep tries again")]
    private partial void LogSweepFailed(Exception exception, ServiceKey service, string instanceId);
}
