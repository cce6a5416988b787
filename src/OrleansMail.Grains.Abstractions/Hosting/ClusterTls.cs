using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace OrleansMail.Grains.Hosting;

/// <summary>
/// Mutual TLS inside a cluster: silo-to-silo and client-to-gateway connections are encrypted, and every peer must
/// present the one cluster certificate, so only the cluster's own silos and the operator's tools (which hold its
/// key) can join or call a grain. Anyone else who reaches the ports fails the handshake.
/// </summary>
public static class ClusterTls
{
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, X509Certificate2 certificate) =>
        silo.UseTls(certificate, options => Configure(options, certificate));

    public static IClientBuilder UseClusterTls(this IClientBuilder client, X509Certificate2 certificate) =>
        client.UseTls(certificate, options => Configure(options, certificate));

    /// <summary>Loads the PEM pair (certificate, key) in the form SslStream wants on Linux.</summary>
    public static X509Certificate2 Load(string certificatePath, string? keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, string.IsNullOrEmpty(keyPath) ? null : keyPath);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;

        // A self-signed cluster certificate is the usual case: trust is "the peer holds this very certificate",
        // not a public CA chain (which would let any certificate that CA ever issued in).
        options.RemoteCertificateValidation = (remote, _, _) => remote is not null && remote.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span);
        options.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    }
}
