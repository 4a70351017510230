using System.Net.Sockets;
using Meridian.Naming;

namespace Meridian.Health;

/// <summary>Healthy when a TCP connection to the instance opens. Asynchronous: no thread waits on a connect.</summary>
internal sealed class TcpHealthProbe : IHealthProbe
{
    public HealthCheckType Type => HealthCheckType.Tcp;

    public async Task<bool> ProbeAsync(Instance instance, HealthCheckDefinition check, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        client.NoDelay = true;
        try
        {
            await client.ConnectAsync(instance.Ip, check.Port ?? instance.Port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
