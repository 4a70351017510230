using System.Net.Sockets;
using Meridian.Naming;

namespace Meridian.Health;

/// <summary>Healthy when a TCP connection to the instance opens, on an allowed address. Asynchronous: no thread waits on a connect.</summary>
internal sealed class TcpHealthProbe(ProbeNetworks networks) : IHealthProbe
{
    public HealthCheckType Type => HealthCheckType.Tcp;

    public async Task<bool> ProbeAsync(Instance instance, HealthCheckDefinition check, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = await networks.ConnectAsync(instance.Ip, check.Port ?? instance.Port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
