using System.Collections.Concurrent;

namespace Meridian.Naming;

/// <summary>
/// The live state of one service. <see cref="Gate"/> serialises changes to this service only, so services never wait
/// for each other; readers use <see cref="Snapshot"/> without taking it.
/// </summary>
internal sealed class ServiceEntry(ServiceSnapshot snapshot)
{
    private volatile ServiceSnapshot _snapshot = snapshot;

    public Lock Gate { get; } = new();

    /// <summary>Orders durable writes of this service, so the store and memory never disagree about which came last.</summary>
    public SemaphoreSlim StoreGate { get; } = new(1, 1);

    public ServiceSnapshot Snapshot
    {
        get => _snapshot;
        set => _snapshot = value;
    }

    public ConcurrentDictionary<string, InstanceLease> Leases { get; } = new(StringComparer.Ordinal);

    /// <summary>True once the service's settings are stored: created explicitly or holding persistent instances.</summary>
    public bool Persisted { get; set; }

    /// <summary>Set under <see cref="Gate"/> when the entry leaves the index; a writer that finds it set starts over.</summary>
    public bool Removed { get; set; }
}
