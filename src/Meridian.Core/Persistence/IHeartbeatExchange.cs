using Meridian.Naming;

namespace Meridian.Persistence;

/// <summary>
/// Where nodes sharing a store tell each other which instances beat on them, so that whichever node a client's
/// heartbeats land on (behind a load balancer, any), no node takes the instance for silent. A single node has none.
/// </summary>
public interface IHeartbeatExchange
{
    /// <summary>
    /// Records that <paramref name="beaten"/> beat on this node since the last call, and returns the instances that beat
    /// on other nodes since the last call.
    /// </summary>
    Task<IReadOnlyList<(ServiceKey Key, string InstanceId)>> ExchangeAsync(IReadOnlyCollection<(ServiceKey Key, string InstanceId)> beaten,
        CancellationToken cancellationToken);
}
