using System.Collections.Concurrent;
using Meridian.Naming;

namespace Meridian.Protocols.Nacos.Push;

/// <summary>
/// The clients that poll with a <c>udpPort</c>, by service. A poll renews the subscription; one that stops polling is
/// forgotten after <see cref="NacosOptions.SubscriberTimeout"/>.
/// </summary>
internal sealed class NacosPushSubscribers(TimeProvider time)
{
    private readonly ConcurrentDictionary<ServiceKey, ConcurrentDictionary<NacosPushTarget, Seen>> _byService = new();

    public void Touch(NacosPushTarget target)
    {
        var targets = _byService.GetOrAdd(target.Query.Key, static _ => new ConcurrentDictionary<NacosPushTarget, Seen>());
        targets.AddOrUpdate(target, static (_, time) => new Seen(time.GetTimestamp(), time.GetUtcNow()),
            static (_, seen, time) => seen with { Last = time.GetTimestamp() }, time);
    }

    /// <summary>The UDP targets of a service still polling, for diagnostics.</summary>
    public void AddSubscribersOf(ServiceKey key, TimeSpan timeout, ICollection<ServiceSubscriber> into)
    {
        if (!_byService.TryGetValue(key, out var targets))
        {
            return;
        }

        foreach (var (target, seen) in targets)
        {
            if (time.GetElapsedTime(seen.Last) < timeout)
            {
                into.Add(new ServiceSubscriber(target.EndPoint.ToString(), "nacos-udp", target.EndPoint.ToString(), "", seen.First));
            }
        }
    }

    public bool HasAny(ServiceKey key) => _byService.TryGetValue(key, out var targets) && !targets.IsEmpty;

    /// <summary>The subscribers of a service that are still polling; stale ones are dropped on the way.</summary>
    public List<NacosPushTarget> Live(ServiceKey key, TimeSpan timeout)
    {
        var live = new List<NacosPushTarget>();
        if (_byService.TryGetValue(key, out var targets))
        {
            foreach (var (target, seen) in targets)
            {
                if (time.GetElapsedTime(seen.Last) < timeout)
                {
                    live.Add(target);
                }
                else
                {
                    targets.TryRemove(new KeyValuePair<NacosPushTarget, Seen>(target, seen));
                }
            }
        }

        return live;
    }

    public void Sweep(TimeSpan timeout)
    {
        foreach (var (key, targets) in _byService)
        {
            foreach (var (target, seen) in targets)
            {
                if (time.GetElapsedTime(seen.Last) >= timeout)
                {
                    targets.TryRemove(new KeyValuePair<NacosPushTarget, Seen>(target, seen));
                }
            }

            if (targets.IsEmpty)
            {
                _byService.TryRemove(new KeyValuePair<ServiceKey, ConcurrentDictionary<NacosPushTarget, Seen>>(key, targets));
            }
        }
    }

    /// <summary>The last poll (a timestamp of the time provider) and the first one remembered.</summary>
    private readonly record struct Seen(long Last, DateTimeOffset First);
}
