using System.Collections.Concurrent;
using Meridian.Naming;
using Meridian.Persistence;
using Meridian.Validation;

namespace Meridian.Namespaces;

/// <summary>The namespaces that exist. <c>public</c> always does and cannot be removed.</summary>
public sealed class NamespaceCatalog(IRegistryStore store)
{
    private readonly ConcurrentDictionary<string, NamespaceInfo> _namespaces = new(StringComparer.Ordinal)
    {
        [ServiceKey.DefaultNamespace] = new(ServiceKey.DefaultNamespace, "public", "The default namespace."),
    };

    public bool Exists(string id) => _namespaces.ContainsKey(id);

    public NamespaceInfo? Get(string id) => _namespaces.GetValueOrDefault(id);

    public IReadOnlyList<NamespaceInfo> List() =>
        [.. _namespaces.Values.OrderBy(n => n.Id == ServiceKey.DefaultNamespace ? 0 : 1).ThenBy(n => n.Id, StringComparer.Ordinal)];

    public async Task<NamespaceInfo> CreateAsync(NamespaceInfo ns, CancellationToken cancellationToken)
    {
        Validate(ns);
        if (_namespaces.ContainsKey(ns.Id))
        {
            throw new ConflictException($"Namespace '{ns.Id}' already exists.");
        }

        await store.SaveNamespaceAsync(ns, cancellationToken);
        _namespaces[ns.Id] = ns;
        return ns;
    }

    public async Task<NamespaceInfo> UpdateAsync(NamespaceInfo ns, CancellationToken cancellationToken)
    {
        Validate(ns);
        RequireExisting(ns.Id);
        await store.SaveNamespaceAsync(ns, cancellationToken);
        _namespaces[ns.Id] = ns;
        return ns;
    }

    /// <summary>Creates the namespace when absent; used by protocols whose clients never create namespaces first.</summary>
    public async Task EnsureAsync(string id, CancellationToken cancellationToken)
    {
        if (!_namespaces.ContainsKey(id))
        {
            var errors = new ValidationErrors();
            Rules.Name(errors, "namespace", id);
            errors.ThrowIfAny();
            var ns = new NamespaceInfo(id, id, "");
            await store.SaveNamespaceAsync(ns, cancellationToken);
            _namespaces.TryAdd(id, ns);
        }
    }

    /// <summary>Removes a namespace; callers check first that nothing lives in it.</summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (id == ServiceKey.DefaultNamespace)
        {
            throw new ConflictException("The 'public' namespace cannot be deleted.");
        }

        RequireExisting(id);
        await store.DeleteNamespaceAsync(id, cancellationToken);
        _namespaces.TryRemove(id, out _);
    }

    public void RequireExisting(string id)
    {
        if (!_namespaces.ContainsKey(id))
        {
            throw new NotFoundException($"Namespace '{id}' does not exist; create it first (POST /v1/namespaces) or use 'public'.");
        }
    }

    internal void Load(IEnumerable<NamespaceInfo> namespaces)
    {
        foreach (var ns in namespaces)
        {
            _namespaces[ns.Id] = ns;
        }
    }

    private static void Validate(NamespaceInfo ns)
    {
        var errors = new ValidationErrors();
        Rules.Name(errors, "id", ns.Id);
        if (ns.Name is null || ns.Name.Length > Rules.MaxNameLength)
        {
            errors.Add("name", $"'name' is required and at most {Rules.MaxNameLength} characters.");
        }

        if (ns.Description is { Length: > 1024 })
        {
            errors.Add("description", "'description' must be at most 1024 characters.");
        }

        errors.ThrowIfAny();
    }
}
