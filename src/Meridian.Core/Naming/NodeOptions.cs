namespace Meridian.Naming;

/// <summary>This node's identity, bound from <c>Meridian:Node</c>.</summary>
public sealed class NodeOptions
{
    public const string SectionName = "Meridian:Node";

    /// <summary>
    /// The node's name: it prefixes the owner of every instance a client connection keeps alive here, so in a cluster
    /// each node's sessions (and a dead node's instances) can be told apart. Defaults to the machine name.
    /// </summary>
    public string Id { get; set; } = Environment.MachineName;
}
