namespace OrleansMail.SiloHost;

/// <summary>Section OrleansMail:Clustering (Localhost for the embedded default).</summary>
public sealed class ClusteringOptions
{
    public string Provider { get; set; } = "Localhost";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;
}
