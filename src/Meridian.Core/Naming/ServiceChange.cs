namespace Meridian.Naming;

public enum ServiceChangeKind
{
    /// <summary>The instance list or the service settings changed.</summary>
    Updated,

    /// <summary>The service is gone; <see cref="ServiceChange.Snapshot"/> is its last state with no instances.</summary>
    Removed,
}

/// <summary>One change of one service, carrying the snapshot it produced.</summary>
public sealed record ServiceChange(ServiceChangeKind Kind, ServiceSnapshot Snapshot)
{
    public ServiceKey Key => Snapshot.Key;
    public long Revision => Snapshot.Revision;
}
