using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Meridian.Client.Configuration;

/// <summary>
/// How Meridian clients (the configuration source and the discovery connection) check the server's TLS certificate: by the machine's trusted roots (the default), or, given a
/// private CA's certificate file, by that CA alone. The host name is checked either way.
/// </summary>
internal static class ServerCertificateTrust
{
    /// <summary>The TLS settings for a connection to the servers; null means the platform's defaults.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read or holds no certificate; the message names <paramref name="setting"/>.</exception>
    public static SslClientAuthenticationOptions? ClientOptions(string? caCertificatePath, string setting)
    {
        if (string.IsNullOrEmpty(caCertificatePath))
        {
            return null;
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            // Private CAs rarely publish revocation lists; SslStream does not check revocation by default either.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(LoadAuthorities(caCertificatePath, setting));
        return new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
    }

    /// <summary>The TLS failure behind a failed call, when the server's certificate was what failed; null otherwise.</summary>
    public static System.Security.Authentication.AuthenticationException? RejectionIn(Exception? failure)
    {
        for (var inner = failure; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Security.Authentication.AuthenticationException rejected)
            {
                return rejected;
            }
        }

        return null;
    }

    /// <summary>The certificates in a PEM file (one or more) or a DER file.</summary>
    public static X509Certificate2Collection LoadAuthorities(string path, string setting)
    {
        try
        {
            var authorities = new X509Certificate2Collection();
            var text = File.ReadAllText(path);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                authorities.ImportFromPem(text);
            }
            else
            {
                authorities.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }

            return authorities;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"{setting} is '{path}', which could not be read as a CA certificate ({e.Message}); give the path of the CA's PEM or DER certificate file.", e);
        }
    }
}
