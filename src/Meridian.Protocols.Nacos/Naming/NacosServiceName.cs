using Meridian.Naming;
using Meridian.Protocols.Nacos.Http;

namespace Meridian.Protocols.Nacos.Naming;

/// <summary>
/// Nacos names a service <c>GROUP@@service</c>. A name that carries a group wins over <c>groupName</c>, as Nacos'
/// DistroFilter does; a bare name takes <c>groupName</c> or DEFAULT_GROUP.
/// </summary>
internal static class NacosServiceName
{
    public const string Separator = "@@";

    public static (string Group, string Name) Parse(string serviceName, string? groupName)
    {
        var at = serviceName.IndexOf(Separator, StringComparison.Ordinal);
        if (at < 0)
        {
            return (string.IsNullOrWhiteSpace(groupName) ? ServiceKey.DefaultGroup : groupName, serviceName);
        }

        var group = serviceName[..at];
        var name = serviceName[(at + Separator.Length)..];
        if (group.Length == 0 || name.Length == 0 || name.Contains(Separator, StringComparison.Ordinal))
        {
            throw new NacosException(
                StatusCodes.Status400BadRequest,
                $"Param 'serviceName' is illegal: '{serviceName}' must be 'groupName@@serviceName' or a bare service name.");
        }

        return (group, name);
    }

    public static ServiceKey Key(NacosParameters p, string ns)
    {
        var (group, name) = Parse(p.Required("serviceName"), p.Get("groupName"));
        return new ServiceKey(ns, group, name);
    }
}
