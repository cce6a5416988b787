namespace OrleansMail.Cli;

/// <summary>Where the cluster is: a local silo's gateway port, or Azure Table membership.</summary>
internal sealed record ClusterTarget(int GatewayPort, string? AzureConnection, string ClusterId, string ServiceId);
