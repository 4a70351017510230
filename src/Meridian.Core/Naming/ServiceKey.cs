namespace Meridian.Naming;

/// <summary>Identifies a service: namespace &gt; group &gt; service name.</summary>
public readonly record struct ServiceKey(string Namespace, string Group, string Name)
{
    public const string DefaultNamespace = "public";
    public const string DefaultGroup = "DEFAULT_GROUP";
    public const string DefaultCluster = "DEFAULT";

    /// <summary>The Nacos-style grouped name, <c>GROUP@@service</c>.</summary>
    public string GroupedName => Group + "@@" + Name;

    public override string ToString() => Namespace + "/" + GroupedName;
}
