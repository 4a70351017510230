namespace Meridian.Protocols.Native;

/// <summary>The client-connection (gRPC) endpoint, bound from <c>Meridian:Grpc</c>.</summary>
public sealed class GrpcOptions
{
    public const string SectionName = "Meridian:Grpc";
    public const int DefaultPort = 9848;

    /// <summary>The HTTP/2-only port clients connect to; 0 picks a free one (tests).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>The address to bind; empty follows the host of the first HTTP URL.</summary>
    public string? Host { get; set; }
}
