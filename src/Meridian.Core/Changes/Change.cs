using Meridian.Config;
using Meridian.Namespaces;
using Meridian.Naming;

namespace Meridian.Changes;

/// <summary>
/// One committed change in the log. The store assigns <see cref="Revision"/> (one counter, strictly increasing in commit
/// order) and <see cref="At"/> when it commits; every projection learns of the change from the same object.
/// </summary>
public abstract record Change
{
    /// <summary>0 until the store commits the change.</summary>
    public long Revision { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>The committed form of this change, as the store returns it.</summary>
    public virtual Change Stamp(long revision, DateTimeOffset at) => this with { Revision = revision, At = at };
}

public sealed record NamespaceSaved(NamespaceInfo Namespace) : Change;

public sealed record NamespaceRemoved(string Id) : Change;

/// <summary>A service's settings were stored by someone; the service is then kept even with no instances.</summary>
public sealed record ServiceSaved(ServiceKey Key, ServiceDefinition Definition) : Change;

public sealed record ServiceRemoved(ServiceKey Key) : Change;

public enum InstanceSaveReason
{
    /// <summary>Registered or registered again: a sign of life, which renews the instance's lease.</summary>
    Registered,

    /// <summary>Weight, enabled flag or metadata changed by an operator or a protocol.</summary>
    Updated,

    /// <summary>Health flipped by the expiry sweep, a probe, a heartbeat or the client's own report.</summary>
    HealthChanged,
}

/// <param name="Owner">The client session whose connection keeps an ephemeral instance alive; null when heartbeats (or, for a persistent one, probes) do.</param>
/// <param name="Created">True when the instance was not registered before this change.</param>
public sealed record InstanceSaved(ServiceKey Key, Instance Instance, string? Owner, InstanceSaveReason Reason, bool Created) : Change;

public enum InstanceRemovalReason
{
    Deregistered,
    Expired,
    ConnectionLost,

    /// <summary>The node that held it restarted and can no longer vouch for it.</summary>
    NodeRestarted,
}

/// <param name="Instance">The instance's last state, so views such as the Eureka delta can show what left.</param>
public sealed record InstanceRemoved(ServiceKey Key, Instance Instance, InstanceRemovalReason Reason) : Change;

/// <summary>A publish or rollback; <see cref="Item"/> carries the version and, once committed, the revision.</summary>
public sealed record ConfigSaved(ConfigItem Item, ConfigHistoryEntry Entry) : Change
{
    public override Change Stamp(long revision, DateTimeOffset at) =>
        this with { Revision = revision, At = at, Item = Item.Committed(revision) };
}

/// <summary>A delete; <see cref="Last"/> is the version deleted and <see cref="Entry"/> the history row that records it.</summary>
public sealed record ConfigRemoved(ConfigItem Last, ConfigHistoryEntry Entry) : Change;
