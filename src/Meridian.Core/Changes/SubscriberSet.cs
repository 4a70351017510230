using System.Collections;
using System.Collections.Concurrent;

namespace Meridian.Changes;

/// <summary>
/// The connections following one topic, for a push hub. Joining and leaving cost the same with ten followers or fifty
/// thousand (a copy-on-write array copied the whole list at each, so N subscribers to one service cost O(N²) and put a
/// large-object-heap array per join on the GC); a fan-out enumerates the set without a lock and without a copy, and
/// sees every member that joined before it started. A hub serializes membership and the topic's retirement with
/// <see cref="Gate"/>; readers never take it.
/// </summary>
public sealed class SubscriberSet<T> : IEnumerable<T>
    where T : class
{
    private readonly ConcurrentDictionary<T, DateTimeOffset> _members = new(ReferenceEqualityComparer.Instance);
    private int _count;

    /// <summary>Held by the hub while it changes membership and decides whether the topic is retired.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Set under <see cref="Gate"/> once the last member left and the topic was removed: a joiner then starts a new set.</summary>
    public bool Retired { get; set; }

    /// <summary>How many follow the topic now; a read, no lock.</summary>
    public int Count => Volatile.Read(ref _count);

    public bool IsEmpty => Count == 0;

    /// <summary>Adds a member that joined at <paramref name="since"/>; false when it is one already.</summary>
    public bool Add(T member, DateTimeOffset since)
    {
        if (!_members.TryAdd(member, since))
        {
            return false;
        }

        Interlocked.Increment(ref _count);
        return true;
    }

    public bool Remove(T member)
    {
        if (!_members.TryRemove(member, out _))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        return true;
    }

    /// <summary>Each member with the time it joined; for diagnostics (who listens, since when).</summary>
    public IEnumerable<(T Member, DateTimeOffset Since)> WithSince()
    {
        foreach (var (member, since) in _members)
        {
            yield return (member, since);
        }
    }

    public IEnumerator<T> GetEnumerator()
    {
        foreach (var pair in _members)
        {
            yield return pair.Key;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
