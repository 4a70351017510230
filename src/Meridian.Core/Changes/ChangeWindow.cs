namespace Meridian.Changes;

/// <summary>
/// The recent part of the change log, in memory and in revision order: what watchers read when they resume from a
/// revision (a reconnecting client, the Eureka delta). Bounded by age and by count; the log's writer appends, readers
/// find their starting point by binary search and copy out only what came after it, under a short lock.
/// </summary>
public sealed class ChangeWindow(TimeProvider time, TimeSpan retention, int maxEntries)
{
    private readonly Lock _gate = new();

    // The window is _changes[_head..]; trimmed entries before _head are dropped in bulk once they are half the list.
    private readonly List<Change> _changes = [];
    private int _head;

    /// <summary>
    /// The revision after which the window is complete: changes up to it may have been let go. A reader that saw this
    /// revision or a later one can be told exactly what changed since.
    /// </summary>
    public long CompleteAfter
    {
        get
        {
            lock (_gate)
            {
                return _completeAfter;
            }
        }
    }

    private long _completeAfter;

    /// <summary>Starts the window at <paramref name="revision"/>, holding <paramref name="tail"/> (oldest first) from before it.</summary>
    internal void Reset(long revision, IReadOnlyList<Change> tail)
    {
        lock (_gate)
        {
            _changes.Clear();
            _head = 0;
            _changes.AddRange(tail);
            _completeAfter = _changes.Count == 0 ? revision : _changes[0].Revision - 1;

            Trim();
        }
    }

    internal void Append(Change change)
    {
        lock (_gate)
        {
            _changes.Add(change);
            Trim();
        }
    }

    /// <summary>
    /// The changes after <paramref name="revision"/> that match, oldest first; null when the window no longer reaches back
    /// that far (the caller then sends a full snapshot), or when more than <paramref name="max"/> changes came since.
    /// </summary>
    public List<Change>? ReadAfter(long revision, Func<Change, bool> match, int max)
    {
        ArgumentNullException.ThrowIfNull(match);
        var result = new List<Change>();
        lock (_gate)
        {
            if (revision < _completeAfter)
            {
                return null;
            }

            var first = FirstAfter(revision);
            if (_changes.Count - first > max)
            {
                return null;
            }

            for (var i = first; i < _changes.Count; i++)
            {
                if (match(_changes[i]))
                {
                    result.Add(_changes[i]);
                }
            }
        }

        return result;
    }

    /// <summary>The changes committed at or after <paramref name="since"/> that match, oldest first.</summary>
    public List<Change> ReadSince(DateTimeOffset since, Func<Change, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var result = new List<Change>();
        lock (_gate)
        {
            Trim();
            for (var i = _head; i < _changes.Count; i++)
            {
                var change = _changes[i];
                if (change.At >= since && match(change))
                {
                    result.Add(change);
                }
            }
        }

        return result;
    }

    /// <summary>The index of the first change after <paramref name="revision"/>: revisions grow along the list.</summary>
    private int FirstAfter(long revision)
    {
        int low = _head, high = _changes.Count;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if (_changes[mid].Revision <= revision)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private void Trim()
    {
        var cutoff = time.GetUtcNow() - retention;
        while (_head < _changes.Count && (_changes.Count - _head > maxEntries || _changes[_head].At < cutoff))
        {
            _completeAfter = _changes[_head].Revision;
            _changes[_head++] = null!;
        }

        if (_head > 0 && _head >= _changes.Count / 2)
        {
            _changes.RemoveRange(0, _head);
            _head = 0;
        }
    }
}
