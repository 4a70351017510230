using Meridian.Auth;
using Meridian.Changes;
using Meridian.Config;
using Meridian.Naming;
using Meridian.Validation;

namespace Meridian.Namespaces;

/// <summary>
/// Creates, updates and deletes namespaces through the change log. A namespace is deleted only when nothing lives in
/// it: checked here against memory for a clear message, and again by the store in the committing transaction.
/// </summary>
public sealed class NamespaceCommands(ChangeLog log, NamespaceCatalog catalog, RegistryProjection registry, ConfigProjection? configs = null)
{
    private readonly KeyedGate _gates = new();

    public async Task<NamespaceInfo> CreateAsync(NamespaceInfo ns, Caller caller, CancellationToken cancellationToken)
    {
        caller.DemandAdmin("create namespaces");
        Validate(ns);
        using (await _gates.EnterAsync(ns.Id, cancellationToken))
        {
            if (catalog.Exists(ns.Id))
            {
                throw new ConflictException($"Namespace '{ns.Id}' already exists.");
            }

            await SaveAsync(ns, expectAbsent: true, cancellationToken);
            return ns;
        }
    }

    public async Task<NamespaceInfo> UpdateAsync(NamespaceInfo ns, Caller caller, CancellationToken cancellationToken)
    {
        caller.DemandAdmin("change namespaces");
        Validate(ns);
        using (await _gates.EnterAsync(ns.Id, cancellationToken))
        {
            catalog.RequireExisting(ns.Id);
            await SaveAsync(ns, expectAbsent: false, cancellationToken);
            return ns;
        }
    }

    /// <summary>
    /// Creates the namespace when absent; used by protocols whose clients never create namespaces first. The caller must
    /// hold some permission in it (an administrator, or a grant whose namespace pattern matches it).
    /// </summary>
    public async Task EnsureAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        if (catalog.Exists(id))
        {
            return;
        }

        if (!caller.MaySee(id))
        {
            throw new AccessDeniedException($"'{caller.Name}' may not create namespace '{id}'; an administrator can create it (POST /v1/namespaces).");
        }

        var errors = new ValidationErrors();
        Rules.Name(errors, "namespace", id);
        errors.ThrowIfAny();
        using (await _gates.EnterAsync(id, cancellationToken))
        {
            if (!catalog.Exists(id))
            {
                await SaveAsync(new NamespaceInfo(id, id, ""), expectAbsent: true, cancellationToken);
            }
        }
    }

    /// <summary>Removes a namespace in which nothing lives: no service, instance or config.</summary>
    public async Task DeleteAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        caller.DemandAdmin("delete namespaces");
        if (id == ServiceKey.DefaultNamespace)
        {
            throw new ConflictException("The 'public' namespace cannot be deleted.");
        }

        using (await _gates.EnterAsync(id, cancellationToken))
        {
            catalog.RequireExisting(id);
            if (registry.ServiceCount(id) is var services and > 0)
            {
                throw new ConflictException($"Namespace '{id}' still has {services} service(s); delete them before deleting the namespace.");
            }

            if (configs?.HasConfigs(id) == true)
            {
                throw new ConflictException($"Namespace '{id}' still has configs; delete them before deleting the namespace.");
            }

            await log.AppendAsync(
                new ChangeRequest(
                    new NamespaceRemoved(id),
                    new NamespaceEmpty(id, $"Namespace '{id}' gained services or configs while being deleted; remove them and try again.")),
                cancellationToken);
        }
    }

    private Task SaveAsync(NamespaceInfo ns, bool expectAbsent, CancellationToken cancellationToken)
    {
        Precondition[] preconditions = expectAbsent && ns.Id != ServiceKey.DefaultNamespace
            ? [new RevisionIs(EntityRef.OfNamespace(ns.Id), 0, $"Namespace '{ns.Id}' already exists.")]
            : [];
        return log.AppendAsync(new ChangeRequest(new NamespaceSaved(ns), preconditions), cancellationToken);
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
