using System.Security.Cryptography.X509Certificates;

namespace OrleansMail.Hosting;

/// <summary>The section OrleansMail:Tls: a PEM certificate chain and key, as Let's Encrypt and Dovecot's ssl_cert/ssl_key use them.</summary>
public sealed class TlsOptions
{
    public string CertificatePath { get; set; } = "";

    public string KeyPath { get; set; } = "";

    /// <summary>The certificate, or null when none is configured.</summary>
    public X509Certificate2? Load()
    {
        if (string.IsNullOrEmpty(CertificatePath))
        {
            return null;
        }

        using var pem = X509Certificate2.CreateFromPemFile(CertificatePath, string.IsNullOrEmpty(KeyPath) ? null : KeyPath);

        // Linux SslStream wants the key in an exportable, non-ephemeral form: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
