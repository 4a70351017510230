using System.Collections.Concurrent;
using System.Collections.Immutable;
using Meridian.Naming;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Eureka.Registry;

/// <summary>
/// Which registry services are Eureka applications: the services of the configured namespace and group, matched by
/// name without regard to case (Eureka upper-cases app names). <see cref="Version"/> grows after every change to one
/// of them, once the change is visible in the registry, so a payload built after reading it is never staler than it.
/// </summary>
internal sealed class EurekaApps : IDisposable
{
    private readonly RegistryProjection _registry;
    private readonly ConcurrentDictionary<string, ImmutableArray<ServiceKey>> _byApp = new(StringComparer.OrdinalIgnoreCase);
    private readonly IDisposable _subscription;
    private long _version;

    public EurekaApps(RegistryProjection registry, IOptions<EurekaOptions> options)
    {
        _registry = registry;
        Namespace = options.Value.Namespace;
        Group = options.Value.Group;

        // Subscribe before the scan, so a service that appears in between is caught by one or the other.
        _subscription = registry.Changes.Subscribe(OnChange);
        foreach (var snapshot in registry.AllServices())
        {
            if (IsEureka(snapshot.Key))
            {
                Add(snapshot.Key);
            }
        }
    }

    public string Namespace { get; }
    public string Group { get; }
    public long Version => Interlocked.Read(ref _version);

    public bool IsEureka(ServiceKey key) =>
        string.Equals(key.Namespace, Namespace, StringComparison.Ordinal) && string.Equals(key.Group, Group, StringComparison.Ordinal);

    /// <summary>The services behind an app name; usually one, more only if names differ just in case.</summary>
    public ImmutableArray<ServiceKey> Find(string app) => _byApp.TryGetValue(app, out var keys) ? keys : [];

    /// <summary>
    /// The service a registration of <paramref name="app"/> goes to: an existing one under any casing, else the
    /// lower-case name, which is how Nacos and .NET clients usually spell services.
    /// </summary>
    public ServiceKey Resolve(string app)
    {
        foreach (var key in Find(app))
        {
            if (_registry.GetService(key) is not null)
            {
                return key;
            }
        }

        return new ServiceKey(Namespace, Group, app.ToLowerInvariant());
    }

    /// <summary>Every application with its current snapshots, app names upper-case and sorted.</summary>
    public List<(string App, List<ServiceSnapshot> Snapshots)> Current()
    {
        var result = new List<(string, List<ServiceSnapshot>)>(_byApp.Count);
        foreach (var (app, keys) in _byApp)
        {
            List<ServiceSnapshot>? snapshots = null;
            foreach (var key in keys)
            {
                if (_registry.GetService(key) is { Instances.Length: > 0 } snapshot)
                {
                    (snapshots ??= []).Add(snapshot);
                }
            }

            if (snapshots is not null)
            {
                result.Add((app.ToUpperInvariant(), snapshots));
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return result;
    }

    public ServiceSnapshot? Service(ServiceKey key) => _registry.GetService(key);

    public void Dispose() => _subscription.Dispose();

    private void OnChange(ServiceChange change)
    {
        if (!IsEureka(change.Key))
        {
            return;
        }

        if (change.Kind == ServiceChangeKind.Removed)
        {
            Remove(change.Key);
        }
        else
        {
            Add(change.Key);
        }

        Interlocked.Increment(ref _version);
    }

    private void Add(ServiceKey key) =>
        _byApp.AddOrUpdate(key.Name, static (_, k) => [k], static (_, keys, k) => keys.Contains(k) ? keys : keys.Add(k), key);

    private void Remove(ServiceKey key)
    {
        // The same name may already be back as a new service whose first change overtook this removal.
        if (_registry.GetService(key) is not null)
        {
            return;
        }

        while (_byApp.TryGetValue(key.Name, out var keys) && keys.Contains(key))
        {
            var rest = keys.Remove(key);
            var done = rest.IsEmpty
                ? _byApp.TryRemove(new KeyValuePair<string, ImmutableArray<ServiceKey>>(key.Name, keys))
                : _byApp.TryUpdate(key.Name, rest, keys);
            if (done)
            {
                return;
            }
        }
    }
}
