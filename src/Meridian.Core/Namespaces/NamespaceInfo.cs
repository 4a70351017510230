namespace Meridian.Namespaces;

/// <summary>A namespace isolates one environment (dev, test, prod) completely: services and configs never cross it.</summary>
public sealed record NamespaceInfo(string Id, string Name, string Description);
