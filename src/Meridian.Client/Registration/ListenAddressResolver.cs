using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Meridian.Client.Registration;

/// <summary>
/// Works out the address to register from what Kestrel actually bound. A specific address is used as bound; only a
/// wildcard (0.0.0.0, [::]) needs a guess, and the configured Ip, then a preferred network, then the first
/// non-loopback interface address answer it.
/// </summary>
internal static class ListenAddressResolver
{
    public sealed record Resolved(string Ip, int Port, bool Guessed);

    public static Resolved? Resolve(IEnumerable<string> boundAddresses, MeridianClientOptions options, Func<IEnumerable<IPAddress>>? interfaces = null)
    {
        var bound = boundAddresses
            .Select(a => Uri.TryCreate(a.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>()
            .OrderBy(u => u.Scheme == Uri.UriSchemeHttp ? 0 : 1)
            .FirstOrDefault();
        if (bound is null && options.Port is null)
        {
            return null;
        }

        var port = options.Port ?? bound!.Port;
        if (!string.IsNullOrEmpty(options.Ip))
        {
            return new Resolved(options.Ip, port, false);
        }

        var host = bound?.Host.Trim('[', ']') ?? "0.0.0.0";
        if (host == "localhost")
        {
            return new Resolved(IPAddress.Loopback.ToString(), port, false);
        }

        if (IPAddress.TryParse(host, out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any))
        {
            return new Resolved(ip.ToString(), port, false);
        }

        if (!IPAddress.TryParse(host, out _))
        {
            return new Resolved(host, port, false);
        }

        var candidates = (interfaces ?? InterfaceAddresses)().ToList();
        var preferred = candidates.FirstOrDefault(a => options.PreferredNetworks.Any(p => a.ToString().StartsWith(p, StringComparison.Ordinal)))
            ?? candidates.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? candidates.FirstOrDefault();
        return preferred is null ? new Resolved(IPAddress.Loopback.ToString(), port, true) : new Resolved(preferred.ToString(), port, true);
    }

    private static IEnumerable<IPAddress> InterfaceAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal && a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6);
}
