namespace Meridian.Client.Discovery;

/// <summary>A service as the registry addresses it: namespace, group, name.</summary>
internal readonly record struct ServiceId(string Namespace, string Group, string Name)
{
    public override string ToString() => $"{Namespace}/{Group}@@{Name}";
}
