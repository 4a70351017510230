using Meridian.Config;
using Meridian.Naming;

namespace Meridian.Protocols.Native;

internal enum PushKind : byte
{
    Service,
    Config,
}

/// <summary>What a connection can subscribe to: a service or a config, by namespace, group and name.</summary>
internal readonly record struct PushTopic(PushKind Kind, string Namespace, string Group, string Name)
{
    public static PushTopic Service(ServiceKey key) => new(PushKind.Service, key.Namespace, key.Group, key.Name);

    public static PushTopic Config(ConfigKey key) => new(PushKind.Config, key.Namespace, key.Group, key.DataId);

    public ServiceKey ServiceKey => new(Namespace, Group, Name);

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} {Namespace}/{Group}@@{Name}";
}
