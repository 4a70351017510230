namespace Meridian.Limits;

/// <summary>
/// Quotas that keep one client or one team from exhausting a server, bound from <c>Meridian:Limits</c>. A write past a
/// quota is refused with 429 and a message naming the setting. Counts are checked on the node taking the write against
/// what it has applied, so concurrent writes through several nodes may pass a quota by the few in flight.
/// </summary>
public sealed class LimitOptions
{
    public const string SectionName = "Meridian:Limits";

    /// <summary>Instances one service may hold (Eureka and Nacos have no such limit; a runaway registrant fills memory).</summary>
    public int MaxInstancesPerService { get; set; } = 20_000;

    /// <summary>Services one namespace may hold.</summary>
    public int MaxServicesPerNamespace { get; set; } = 20_000;

    /// <summary>Configs one namespace may hold (Nacos's capacity management defaults to 200 per namespace when turned on).</summary>
    public int MaxConfigsPerNamespace { get; set; } = 20_000;

    /// <summary>Services and configs one client connection may subscribe to, together.</summary>
    public int MaxSubscriptionsPerConnection { get; set; } = 5_000;

    /// <summary>Client connections (gRPC streams) open at once from one IP address; Consul allows 200 HTTP connections per client.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 1_000;

    /// <summary>
    /// HTTP requests per second one caller may send on average; 0 turns the limit off. A caller is a credential (access
    /// key or user) at one address, or an address without one, so a fleet sharing a key shares no budget.
    /// </summary>
    public int RequestsPerSecondPerCaller { get; set; } = 5_000;

    /// <summary>Requests a caller may send at once above its rate, after being quiet.</summary>
    public int RequestBurstPerCaller { get; set; } = 10_000;

    /// <summary>The setting's full name, for refusals: <c>Meridian:Limits:MaxInstancesPerService</c>.</summary>
    public static string Setting(string property) => $"{SectionName}:{property}";
}
