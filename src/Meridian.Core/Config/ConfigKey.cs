namespace Meridian.Config;

/// <summary>Identifies a config: namespace (tenant) &gt; group &gt; data id, as Nacos clients address it.</summary>
public readonly record struct ConfigKey(string Namespace, string Group, string DataId)
{
    public const string DefaultGroup = "DEFAULT_GROUP";

    public override string ToString() => Namespace + "/" + Group + "/" + DataId;
}
