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

    /// <summary>
    /// The certificate the port serves TLS with. Unset, the port uses Kestrel's default certificate
    /// (<c>Kestrel:Certificates:Default</c>, the one HTTPS on the HTTP port uses) when one is configured, and plain HTTP/2 otherwise.
    /// </summary>
    public CertificateFileOptions? Certificate { get; set; }
}

/// <summary>A certificate on disk, in the shape Kestrel's own certificate settings use.</summary>
public sealed class CertificateFileOptions
{
    /// <summary>A PEM certificate (with <see cref="KeyPath"/>, or with its key in the same file) or a PKCS#12 (.pfx, .p12) file.</summary>
    public string? Path { get; set; }

    /// <summary>The PEM private key, when it is not in <see cref="Path"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PKCS#12 file or of an encrypted PEM key.</summary>
    public string? Password { get; set; }
}
