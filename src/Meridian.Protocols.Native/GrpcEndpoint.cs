using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Meridian.Protocols.Native;

/// <summary>The client-connection listener, so the server (and tests) can tell its address apart from the HTTP API's.</summary>
public sealed class GrpcEndpoint
{
    private ListenOptions? _listen;

    internal void Bind(ListenOptions listen, string? certificateSetting)
    {
        _listen = listen;
        CertificateSetting = certificateSetting;
    }

    /// <summary>The bound endpoint once the server has started; with port 0 this carries the port actually chosen.</summary>
    public IPEndPoint? EndPoint => _listen?.IPEndPoint;

    /// <summary>Whether the port serves TLS.</summary>
    public bool IsTls => CertificateSetting is not null;

    /// <summary>The setting the port's certificate came from (<c>Meridian:Grpc:Certificate</c> or Kestrel's default); null without TLS.</summary>
    public string? CertificateSetting { get; private set; }

    /// <summary>The address clients connect to, e.g. <c>http://127.0.0.1:9848</c> (<c>https</c> with TLS); null before start.</summary>
    public Uri? Address => EndPoint is { } ep
        ? new Uri($"{(IsTls ? "https" : "http")}://{(ep.Address.Equals(IPAddress.Any) || ep.Address.Equals(IPAddress.IPv6Any) ? "localhost" : FormatHost(ep.Address))}:{ep.Port}")
        : null;

    private static string FormatHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
