using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace Meridian.Protocols.Native;

/// <summary>Finds and loads the certificate the client-connection port serves TLS with, if any.</summary>
internal static class ConnectionCertificate
{
    private const string KestrelDefault = "Kestrel:Certificates:Default";

    /// <summary>The port's own certificate, else Kestrel's default one, else null (plain HTTP/2).</summary>
    public static (X509Certificate2 Certificate, string Setting)? Load(GrpcOptions options, IConfiguration configuration)
    {
        if (options.Certificate is { Path.Length: > 0 } own)
        {
            return (Load(own, $"{GrpcOptions.SectionName}:Certificate"), $"{GrpcOptions.SectionName}:Certificate");
        }

        var shared = configuration.GetSection(KestrelDefault).Get<CertificateFileOptions>();
        return shared is { Path.Length: > 0 } ? (Load(shared, KestrelDefault), KestrelDefault) : null;
    }

    private static X509Certificate2 Load(CertificateFileOptions file, string setting)
    {
        var path = file.Path!;
        try
        {
            var extension = System.IO.Path.GetExtension(path);
            if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase))
            {
                return X509CertificateLoader.LoadPkcs12FromFile(path, file.Password);
            }

            var keyPath = string.IsNullOrEmpty(file.KeyPath) ? null : file.KeyPath;
            return string.IsNullOrEmpty(file.Password)
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, file.Password, keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"{setting}: could not load the certificate '{path}'{(file.KeyPath is { Length: > 0 } k ? $" with key '{k}'" : "")}: {e.Message} " +
                "Give a PEM certificate with its key (KeyPath) or a .pfx with its Password.", e);
        }
    }
}
