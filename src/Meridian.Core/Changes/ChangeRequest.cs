using Meridian.Config;
using Meridian.Naming;

namespace Meridian.Changes;

/// <summary>
/// A change to append, with what must still hold when the store commits it. The store checks every precondition in the
/// same transaction as the write; a failed one rejects only this request, with its message.
/// </summary>
public sealed record ChangeRequest(Change Change, IReadOnlyList<Precondition> Preconditions)
{
    public ChangeRequest(Change change, params Precondition[] preconditions)
        : this(change, (IReadOnlyList<Precondition>)preconditions)
    {
    }
}

/// <summary>Something the store must find true in the committing transaction; <see cref="FailureMessage"/> says what to do otherwise.</summary>
public abstract record Precondition(string FailureMessage);

/// <summary>The namespace exists (<c>public</c> always does).</summary>
public sealed record NamespaceExists(string Namespace, string FailureMessage) : Precondition(FailureMessage);

/// <summary>Nothing is stored in the namespace: no stored service, instance or live config.</summary>
public sealed record NamespaceEmpty(string Namespace, string FailureMessage) : Precondition(FailureMessage);

/// <summary>
/// The entity's stored revision is still <see cref="Expected"/> (0: it does not exist), so nobody changed it since the
/// command read it: compare-and-set on the revision, which also covers compare-and-set on a config's MD5.
/// </summary>
public sealed record RevisionIs(EntityRef Entity, long Expected, string FailureMessage) : Precondition(FailureMessage);

public enum EntityKind
{
    Namespace,
    Service,
    Instance,
    Config,
}

/// <summary>A row of the store: a namespace, a service, an instance of a service, or a config.</summary>
public readonly record struct EntityRef(EntityKind Kind, string Namespace, string Group = "", string Name = "", string Item = "")
{
    public static EntityRef OfNamespace(string id) => new(EntityKind.Namespace, id);

    public static EntityRef OfService(ServiceKey key) => new(EntityKind.Service, key.Namespace, key.Group, key.Name);

    public static EntityRef OfInstance(ServiceKey key, string instanceId) => new(EntityKind.Instance, key.Namespace, key.Group, key.Name, instanceId);

    public static EntityRef OfConfig(ConfigKey key) => new(EntityKind.Config, key.Namespace, key.Group, key.DataId);
}

/// <summary>What became of one request of a batch: committed, or refused by a precondition.</summary>
public readonly record struct CommitOutcome(Change? Committed, string? Rejection)
{
    public static CommitOutcome Of(Change committed) => new(committed, null);

    public static CommitOutcome Rejected(string message) => new(null, message);
}
