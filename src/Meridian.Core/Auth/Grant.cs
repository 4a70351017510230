using Meridian.Config;

namespace Meridian.Auth;

/// <summary>What a grant covers: services (discovery and registration) or configs.</summary>
public enum ResourceKind
{
    Service,
    Config,
}

/// <summary>What a grant allows on what it covers.</summary>
[Flags]
public enum AccessActions
{
    None = 0,
    Read = 1,
    Write = 2,
    ReadWrite = Read | Write,
}

/// <summary>
/// One permission: <see cref="Actions"/> on the <see cref="Kind"/> of resources whose namespace, group and name match
/// the patterns (<c>*</c> stands for any run of characters). A kind of null covers services and configs alike.
/// </summary>
public sealed record Grant(string Namespace, string Group, ResourceKind? Kind, string Name, AccessActions Actions)
{
    private readonly WildcardPattern _namespace = new(Namespace);
    private readonly WildcardPattern _group = new(Group);
    private readonly WildcardPattern _name = new(Name);

    public bool Covers(ResourceKind kind, AccessActions action, string ns, string group, string name) =>
        (Actions & action) == action && (Kind is null || Kind == kind) && _namespace.IsMatch(ns) && _group.IsMatch(group) && _name.IsMatch(name);

    /// <summary>Whether anything in the namespace may be read through this grant: the namespace is then listed.</summary>
    public bool TouchesNamespace(string ns) => (Actions & AccessActions.Read) != 0 && _namespace.IsMatch(ns);
}
