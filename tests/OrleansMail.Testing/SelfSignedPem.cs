using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansMail.Testing;

/// <summary>A self-signed certificate written as a PEM pair, as an operator would hand one to the silo host.</summary>
public static class SelfSignedPem
{
    /// <returns>The certificate and key paths.</returns>
    public static (string CertificatePath, string KeyPath) Write(string folder, string subject, string name = "cert")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certPath = Path.Combine(folder, name + ".pem");
        var keyPath = Path.Combine(folder, name + ".key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }
}
