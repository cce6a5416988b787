namespace OrleansMail.Cli;

/// <summary>Where the cluster is: a local silo's gateway port, or Azure Table membership.</summary>
/// <param name="CertificatePath">The cluster certificate (PEM) a TLS cluster requires of its clients.</param>
internal sealed record ClusterTarget(int GatewayPort, string? AzureConnection, string ClusterId, string ServiceId, string? CertificatePath = null, string? KeyPath = null);
