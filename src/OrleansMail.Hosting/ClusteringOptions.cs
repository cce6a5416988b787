namespace OrleansMail.Hosting;

/// <summary>Section OrleansMail:Clustering: Localhost for the embedded default, AzureTable for a cluster on Azure storage.</summary>
public sealed class ClusteringOptions
{
    /// <summary>The embedded default: one silo, its ports on loopback.</summary>
    public const string Localhost = "Localhost";

    public string Provider { get; set; } = Localhost;

    /// <summary>Azure Table storage for the membership table; default: OrleansMail:Storage:ConnectionString.</summary>
    public string ConnectionString { get; set; } = "";

    public string ClusterId { get; set; } = "orleansmail";

    public string ServiceId { get; set; } = "orleansmail";

    /// <summary>The address other silos and clients reach this one at; "auto" takes the host's first IPv4 address (containers).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>The advertised address, with "auto" resolved.</summary>
    public System.Net.IPAddress ResolveAdvertisedAddress()
    {
        if (!string.Equals(AdvertisedAddress, "auto", StringComparison.OrdinalIgnoreCase))
        {
            return System.Net.IPAddress.Parse(AdvertisedAddress);
        }

        // A container replica gets its address at start; the first non-loopback IPv4 one is what its peers can reach.
        return System.Net.Dns.GetHostAddresses(System.Net.Dns.GetHostName())
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a))
            ?? System.Net.IPAddress.Loopback;
    }

    /// <summary>
    /// The cluster certificate (PEM): silos and clients (the admin CLI) talk mutual TLS and must all present it.
    /// Required for AzureTable clustering unless <see cref="AllowPlaintext"/>.
    /// </summary>
    public string CertificatePath { get; set; } = "";

    public string KeyPath { get; set; } = "";

    /// <summary>Lets a multi-silo cluster run without TLS between silos: only for a network nobody else can reach.</summary>
    public bool AllowPlaintext { get; set; }

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Membership tuned so a dead silo is declared dead in seconds (1.8 s against 19.6 s with Orleans' defaults,
    /// measured on Azurite); while it is not, deliveries to its users answer 451 and the MTA retries.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public int NumMissedProbesLimit { get; set; } = 2;

    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
