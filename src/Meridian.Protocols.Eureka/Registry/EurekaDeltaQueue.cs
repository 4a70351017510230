using Meridian.Changes;
using Meridian.Naming;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Eureka.Registry;

/// <summary>One instance change kept for <c>/apps/delta</c>.</summary>
internal sealed record EurekaDeltaItem(long Revision, string ActionType, ServiceKey Key, Instance Instance);

/// <summary>
/// Eureka's recently-changed queue, read from the change log's window: the instance changes of Eureka applications in
/// the last <see cref="EurekaOptions.DeltaRetention"/>, at most <see cref="EurekaOptions.DeltaCapacity"/> of them.
/// Nothing is diffed or kept here: each change already says which instance was added, modified or removed.
/// </summary>
internal sealed class EurekaDeltaQueue(ChangeLog log, EurekaApps apps, TimeProvider time, IOptions<EurekaOptions> options)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";

    private readonly EurekaOptions _options = options.Value;

    /// <summary>The changes still within retention, oldest first.</summary>
    public IReadOnlyList<EurekaDeltaItem> Recent()
    {
        var changes = log.Window.ReadSince(time.GetUtcNow() - _options.DeltaRetention, IsEurekaInstanceChange);
        var skip = Math.Max(0, changes.Count - _options.DeltaCapacity);
        var items = new List<EurekaDeltaItem>(changes.Count - skip);
        for (var i = skip; i < changes.Count; i++)
        {
            items.Add(changes[i] switch
            {
                InstanceSaved s => new EurekaDeltaItem(s.Revision, s.Created ? Added : Modified, s.Key, s.Instance),
                InstanceRemoved r => new EurekaDeltaItem(r.Revision, Deleted, r.Key, r.Instance),
                _ => throw new InvalidOperationException("Only instance changes are selected."),
            });
        }

        return items;
    }

    private bool IsEurekaInstanceChange(Change change) => change switch
    {
        InstanceSaved s => apps.IsEureka(s.Key),
        InstanceRemoved r => apps.IsEureka(r.Key),
        _ => false,
    };
}
