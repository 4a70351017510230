using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Meridian.Health;

/// <summary>
/// Where the server may open probes. Anyone allowed to register a persistent instance names the address the server
/// then connects to, so without a fence a registration could aim probes at the cloud metadata service, the server's own
/// admin ports or the internet. Addresses are checked after name resolution, on the address actually connected to.
/// </summary>
internal sealed class ProbeNetworks
{
    /// <summary>Private and loopback ranges: where instances of one deployment live. Link-local (169.254/16, where cloud metadata answers) is not among them.</summary>
    public static readonly string[] Default = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "::1/128", "fc00::/7"];

    private readonly IPNetwork[] _allowed;

    public ProbeNetworks(IOptions<HealthCheckOptions> options)
    {
        _allowed = [.. (options.Value.AllowedNetworks ?? Default).Select(IPNetwork.Parse)];
    }

    public bool Allows(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var network in _allowed)
        {
            if (network.Contains(plain))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Resolves <paramref name="host"/> and connects to its first allowed address; throws <see cref="ProbeRefusedException"/> when none is.</summary>
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(Allows).ToArray();
        if (allowed.Length == 0)
        {
            throw new ProbeRefusedException(
                $"{host} ({string.Join(", ", addresses.Select(a => a.ToString()))}) is outside {HealthCheckOptions.SectionName}:AllowedNetworks; the server does not probe it.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A probe the server would not open: its address is outside the allowed networks.</summary>
internal sealed class ProbeRefusedException(string message) : Exception(message);
