using System.Collections.Concurrent;
using Meridian.Auth;
using Meridian.Changes;
using Meridian.Naming;
using Meridian.Validation;

namespace Meridian.Namespaces;

/// <summary>
/// The namespaces that exist. <c>public</c> always does. Changes only through <see cref="Apply"/>; the writes are
/// <see cref="NamespaceCommands"/>.
/// </summary>
public sealed class NamespaceCatalog : IChangeProjection
{
    private static readonly NamespaceInfo Public = new(ServiceKey.DefaultNamespace, "public", "The default namespace.");

    private readonly ConcurrentDictionary<string, NamespaceInfo> _namespaces = new(StringComparer.Ordinal)
    {
        [ServiceKey.DefaultNamespace] = Public,
    };

    public bool Exists(string id) => _namespaces.ContainsKey(id);

    /// <summary>Every namespace's id, unfiltered: for the server's own counts, never for a caller's listing.</summary>
    public ICollection<string> Ids => _namespaces.Keys;

    public NamespaceInfo? Get(string id) => _namespaces.GetValueOrDefault(id);

    /// <summary>A namespace as a caller reads it: absent unless the caller may see something in it, as in <see cref="List(Caller)"/>.</summary>
    public NamespaceInfo? Get(string id, Caller caller) => caller.MaySee(id) ? Get(id) : null;

    /// <summary>The namespaces the caller may see something in.</summary>
    public IReadOnlyList<NamespaceInfo> List(Caller caller) =>
        [.. _namespaces.Values.Where(n => caller.MaySee(n.Id)).OrderBy(n => n.Id == ServiceKey.DefaultNamespace ? 0 : 1).ThenBy(n => n.Id, StringComparer.Ordinal)];

    public void RequireExisting(string id)
    {
        if (!_namespaces.ContainsKey(id))
        {
            throw new NotFoundException($"Namespace '{id}' does not exist; create it first (POST /v1/namespaces) or use 'public'.");
        }
    }

    public void Apply(Change change)
    {
        switch (change)
        {
            case NamespaceSaved saved:
                _namespaces[saved.Namespace.Id] = saved.Namespace;
                break;
            case NamespaceRemoved removed when removed.Id != ServiceKey.DefaultNamespace:
                _namespaces.TryRemove(removed.Id, out _);
                break;
        }
    }
}
