namespace OrleansMail.SiloHost;

/// <summary>Section OrleansMail:Clustering: Localhost for the embedded default, AzureTable for a cluster on Azure storage.</summary>
public sealed class ClusteringOptions
{
    public string Provider { get; set; } = "Localhost";

    /// <summary>Azure Table storage for the membership table; default: OrleansMail:Storage:ConnectionString.</summary>
    public string ConnectionString { get; set; } = "";

    public string ClusterId { get; set; } = "orleansmail";

    public string ServiceId { get; set; } = "orleansmail";

    /// <summary>The address other silos and clients reach this one at.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Membership tuned so a dead silo is declared dead in seconds (PLATFORM-NOTES: 1.8 s against 19.6 s with
    /// Orleans' defaults); while it is not, deliveries to its users answer 451 and the MTA retries.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public int NumMissedProbesLimit { get; set; } = 2;

    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
