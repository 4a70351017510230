using Meridian.Naming;

namespace Meridian.Protocols.Nacos.Naming;

/// <summary>
/// Nacos namespace ids as clients send them. Empty means <c>public</c>. Nacos 1.x clients never create a namespace
/// before using it, so the endpoints that write create an unknown one on first use (NamespaceCatalog.EnsureAsync).
/// </summary>
internal static class NacosNamespace
{
    public static string Id(string? raw) => string.IsNullOrWhiteSpace(raw) ? ServiceKey.DefaultNamespace : raw.Trim();

    /// <summary>Configuration tenants: "" and "public" in any case are the public namespace, as Nacos' NamespaceUtil has it.</summary>
    public static string Tenant(string? raw) =>
        string.IsNullOrWhiteSpace(raw) || string.Equals(raw.Trim(), ServiceKey.DefaultNamespace, StringComparison.OrdinalIgnoreCase)
            ? ServiceKey.DefaultNamespace
            : raw.Trim();
}
