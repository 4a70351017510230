namespace Meridian.Changes;

/// <summary>
/// The recent part of the change log, in memory and in revision order: what watchers read when they resume from a
/// revision (a reconnecting client, the Eureka delta). Bounded by age and by count; the log's writer appends, readers
/// copy out what they need under a short lock.
/// </summary>
public sealed class ChangeWindow(TimeProvider time, TimeSpan retention, int maxEntries)
{
    private readonly Lock _gate = new();
    private readonly Queue<Change> _changes = new();

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
            _completeAfter = revision;
            foreach (var change in tail)
            {
                if (_changes.Count == 0)
                {
                    _completeAfter = change.Revision - 1;
                }

                _changes.Enqueue(change);
            }

            if (_changes.Count == 0)
            {
                _completeAfter = revision;
            }

            Trim();
        }
    }

    internal void Append(Change change)
    {
        lock (_gate)
        {
            _changes.Enqueue(change);
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

            var seen = 0;
            foreach (var change in _changes)
            {
                if (change.Revision <= revision)
                {
                    continue;
                }

                if (++seen > max)
                {
                    return null;
                }

                if (match(change))
                {
                    result.Add(change);
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
            foreach (var change in _changes)
            {
                if (change.At >= since && match(change))
                {
                    result.Add(change);
                }
            }
        }

        return result;
    }

    private void Trim()
    {
        var cutoff = time.GetUtcNow() - retention;
        while (_changes.TryPeek(out var oldest) && (_changes.Count > maxEntries || oldest.At < cutoff))
        {
            _changes.Dequeue();
            _completeAfter = oldest.Revision;
        }
    }
}
