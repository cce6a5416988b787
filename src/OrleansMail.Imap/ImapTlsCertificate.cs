using System.Security.Cryptography.X509Certificates;

namespace OrleansMail.Imap;

/// <summary>The server certificate for STARTTLS and the implicit-TLS port, or none (then STARTTLS is not offered).</summary>
public sealed record ImapTlsCertificate(X509Certificate2? Certificate);
