using Meridian.Naming;
using Meridian.Protocols.Eureka.Wire;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Eureka.Registry;

/// <summary>The full registry at one <see cref="EurekaApps.Version"/>: applications and their hash code.</summary>
internal sealed record EurekaRegistrySnapshot(long Version, IReadOnlyList<EurekaApplication> Applications, string AppsHashCode);

/// <summary>
/// Builds what Eureka clients read from the registry's current snapshots. The full registry is rebuilt only when
/// <see cref="EurekaApps.Version"/> moved, so a fetch never misses a change and an idle registry costs nothing.
/// </summary>
internal sealed class EurekaRegistryView(EurekaApps apps, EurekaDeltaQueue delta, IOptions<RegistryOptions> registryOptions)
{
    /// <summary>Eureka reads show the whole registry namespace, so they need read on every service of it.</summary>
    public void DemandRead(Meridian.Auth.Caller caller) =>
        caller.Demand(Meridian.Auth.ResourceKind.Service, Meridian.Auth.AccessActions.Read, apps.Namespace, apps.Group, "*");

    private readonly EurekaLeaseDefaults _defaults = new(
        Math.Max(1, (int)registryOptions.Value.HeartbeatInterval.TotalSeconds),
        Math.Max(1, (int)registryOptions.Value.DeleteTimeout.TotalSeconds));

    private volatile EurekaRegistrySnapshot? _full;

    public EurekaRegistrySnapshot Full()
    {
        var version = apps.Version;
        if (_full is { } cached && cached.Version == version)
        {
            return cached;
        }

        var applications = new List<EurekaApplication>();
        foreach (var (app, snapshots) in apps.Current())
        {
            applications.Add(new EurekaApplication(app, [.. snapshots.SelectMany(s => s.Instances.Select(i => View(app, s.Key, i, EurekaDeltaQueue.Added)))]));
        }

        var built = new EurekaRegistrySnapshot(version, applications, EurekaAppsHashCode.Compute(applications));
        _full = built;
        return built;
    }

    public EurekaApplication? Application(string app)
    {
        var name = app.ToUpperInvariant();
        var instances = new List<EurekaInstanceView>();
        foreach (var key in apps.Find(app))
        {
            if (apps.IsEureka(key) && ServiceOf(key) is { } snapshot)
            {
                instances.AddRange(snapshot.Instances.Select(i => View(name, key, i, EurekaDeltaQueue.Added)));
            }
        }

        return instances.Count == 0 ? null : new EurekaApplication(name, instances);
    }

    public EurekaInstanceView? Instance(string app, string id)
    {
        foreach (var key in apps.Find(app))
        {
            if (ServiceOf(key) is { } snapshot && FindById(snapshot, id) is { } instance)
            {
                return View(app.ToUpperInvariant(), key, instance, EurekaDeltaQueue.Added);
            }
        }

        return null;
    }

    /// <summary><c>/instances/{id}</c>: the instance with this id in any application.</summary>
    public EurekaInstanceView? Instance(string id)
    {
        foreach (var application in Full().Applications)
        {
            foreach (var instance in application.Instances)
            {
                if (instance.InstanceId == id)
                {
                    return instance;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The recently changed instances, each once with its latest action, grouped by application. Its hash code is the
    /// full registry's, which Java clients compare with the registry they get after applying the delta.
    /// </summary>
    public (IReadOnlyList<EurekaApplication> Applications, string AppsHashCode, long Version) Delta()
    {
        var full = Full();
        var latest = new Dictionary<(ServiceKey, string), EurekaDeltaItem>();
        foreach (var item in delta.Recent())
        {
            latest[(item.Key, item.Instance.InstanceId)] = item;
        }

        var applications = latest.Values
            .GroupBy(i => i.Key.Name.ToUpperInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new EurekaApplication(g.Key, [.. g.Select(i => View(g.Key, i.Key, i.Instance, i.ActionType))]))
            .ToList();
        return (applications, full.AppsHashCode, full.Version);
    }

    public EurekaInstanceView View(string app, ServiceKey key, Instance instance, string actionType) =>
        new(app, key.Name, instance, _defaults, actionType);

    public ServiceSnapshot? ServiceOf(ServiceKey key) => apps.Service(key);

    public static Instance? FindById(ServiceSnapshot snapshot, string id)
    {
        foreach (var instance in snapshot.Instances)
        {
            if (string.Equals(instance.InstanceId, id, StringComparison.Ordinal))
            {
                return instance;
            }
        }

        return null;
    }
}
