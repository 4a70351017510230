using Meridian.Changes;
using Meridian.Naming;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Eureka.Registry;

/// <summary>One instance change kept for <c>/apps/delta</c>.</summary>
internal sealed record EurekaDeltaItem(long Revision, DateTimeOffset At, string ActionType, ServiceKey Key, Instance Instance);

/// <summary>
/// Eureka's recently-changed queue, read from the change log's window: the instance changes of Eureka applications in
/// the last <see cref="EurekaOptions.DeltaRetention"/>, at most <see cref="EurekaOptions.DeltaCapacity"/> of them.
/// Nothing is diffed here: each change already says which instance was added, modified or removed. Each read takes
/// only the changes since the previous one from the window, so a delta fetch costs what changed, not the window's size.
/// </summary>
internal sealed class EurekaDeltaQueue(ChangeLog log, EurekaApps apps, TimeProvider time, IOptions<EurekaOptions> options)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";

    private readonly EurekaOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Queue<EurekaDeltaItem> _items = new();
    private long _through = -1;
    private long _newest = -1;

    /// <summary>The changes still within retention, oldest first.</summary>
    public IReadOnlyList<EurekaDeltaItem> Recent()
    {
        lock (_gate)
        {
            var cutoff = time.GetUtcNow() - _options.DeltaRetention;
            var revision = log.Revision;
            var fresh = _through < 0 ? null : log.Window.ReadAfter(_through, IsEurekaInstanceChange, int.MaxValue);
            if (fresh is null)
            {
                // First read, or the window moved past what this queue had seen: start again from the window.
                _items.Clear();
                _newest = -1;
                fresh = log.Window.ReadSince(cutoff, IsEurekaInstanceChange);
            }

            foreach (var change in fresh)
            {
                // A change appended while the last read ran may come again: keep each once.
                if (change.Revision > _newest)
                {
                    _items.Enqueue(Item(change));
                    _newest = change.Revision;
                }

                revision = Math.Max(revision, change.Revision);
            }

            _through = revision;
            while (_items.TryPeek(out var oldest) && (_items.Count > _options.DeltaCapacity || oldest.At < cutoff))
            {
                _items.Dequeue();
            }

            return [.. _items];
        }
    }

    private static EurekaDeltaItem Item(Change change) => change switch
    {
        InstanceSaved s => new EurekaDeltaItem(s.Revision, s.At, s.Created ? Added : Modified, s.Key, s.Instance),
        InstanceRemoved r => new EurekaDeltaItem(r.Revision, r.At, Deleted, r.Key, r.Instance),
        _ => throw new InvalidOperationException("Only instance changes are selected."),
    };

    private bool IsEurekaInstanceChange(Change change) => change switch
    {
        InstanceSaved s => apps.IsEureka(s.Key),
        InstanceRemoved r => apps.IsEureka(r.Key),
        _ => false,
    };
}
