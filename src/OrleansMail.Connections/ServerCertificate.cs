using System.Security.Cryptography.X509Certificates;

namespace OrleansMail.Connections;

/// <summary>The server certificate for STARTTLS (IMAP, ManageSieve) and the implicit-TLS port, or none (then STARTTLS is not offered).</summary>
public sealed record ServerCertificate(X509Certificate2? Certificate);
