using System.Collections.Concurrent;

namespace Meridian.Config.Listening;

/// <summary>
/// The listeners of one key with what each holds. Waking reads the dictionary without a lock; adding and the removal
/// that empties the set share a per-key lock so a listener is never added to a set already dropped from the registry.
/// </summary>
internal sealed class ListenerSet
{
    public ConcurrentDictionary<ConfigListener, ListenedConfig> Members { get; } = new(ReferenceEqualityComparer.Instance);

    public Lock Gate { get; } = new();

    /// <summary>Set, under <see cref="Gate"/>, when the set has been dropped; an adder that sees it takes a fresh set.</summary>
    public bool Dead { get; set; }
}
