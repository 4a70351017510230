using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Meridian.Testing;

/// <summary>
/// A private CA made by the test and a server certificate it issued for <c>localhost</c> and <c>127.0.0.1</c>, written as
/// PEM files the way an operator would hand them to Kestrel and to the clients.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string directory, X509Certificate2 authority)
    {
        Directory = directory;
        Authority = authority;
    }

    public string Directory { get; }

    /// <summary>The CA's certificate file, for <c>Meridian:Tls:CaCertificatePath</c>.</summary>
    public string CaCertificatePath => Path.Combine(Directory, "ca.pem");

    public string ServerCertificatePath => Path.Combine(Directory, "server.pem");

    public string ServerKeyPath => Path.Combine(Directory, "server.key");

    public X509Certificate2 Authority { get; }

    public static TestCertificates Create()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("meridian-tls-").FullName;
        var now = DateTimeOffset.UtcNow;

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Meridian Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var authority = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        using var server = serverRequest.Create(authority, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        File.WriteAllText(Path.Combine(directory, "ca.pem"), authority.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.pem"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        return new TestCertificates(directory, X509CertificateLoader.LoadCertificate(authority.RawData));
    }

    /// <summary>The server settings that serve both ports over TLS with the server certificate (Kestrel's default certificate).</summary>
    public IDictionary<string, string?> ServerSettings(int httpPort = 0) => new Dictionary<string, string?>
    {
        ["urls"] = $"https://127.0.0.1:{httpPort}",
        ["Kestrel:Certificates:Default:Path"] = ServerCertificatePath,
        ["Kestrel:Certificates:Default:KeyPath"] = ServerKeyPath,
    };

    /// <summary>A handler that trusts this CA alone, as the Meridian clients do with <c>Meridian:Tls:CaCertificatePath</c>.</summary>
    public SocketsHttpHandler TrustingHandler()
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(Authority);
        return new SocketsHttpHandler { SslOptions = { CertificateChainPolicy = policy } };
    }

    public void Dispose()
    {
        Authority.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
