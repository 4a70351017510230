using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Meridian.Protocols.Native;

/// <summary>The client-connection listener, so the server (and tests) can tell its address apart from the HTTP API's.</summary>
public sealed class GrpcEndpoint
{
    private ListenOptions? _listen;

    internal void Bind(ListenOptions listen) => _listen = listen;

    /// <summary>The bound endpoint once the server has started; with port 0 this carries the port actually chosen.</summary>
    public IPEndPoint? EndPoint => _listen?.IPEndPoint;

    /// <summary>The address clients connect to, e.g. <c>http://127.0.0.1:9848</c>; null before start.</summary>
    public Uri? Address => EndPoint is { } ep
        ? new Uri($"http://{(ep.Address.Equals(IPAddress.Any) || ep.Address.Equals(IPAddress.IPv6Any) ? "localhost" : FormatHost(ep.Address))}:{ep.Port}")
        : null;

    private static string FormatHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
