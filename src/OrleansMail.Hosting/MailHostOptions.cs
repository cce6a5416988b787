namespace OrleansMail.Hosting;

/// <summary>The section OrleansMail of the host's configuration (appsettings.json, OrleansMail__* variables, --OrleansMail:* arguments).</summary>
public sealed class MailHostOptions
{
    /// <summary>The configuration section these options and every other OrleansMail section live under.</summary>
    public const string Section = "OrleansMail";

    /// <summary>Root of the embedded default: the file-system object store, grain state and the local index cache.</summary>
    public string DataPath { get; set; } = "./data";

    public StorageOptions Storage { get; set; } = new();

    public ClusteringOptions Clustering { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public TelemetryOptions Telemetry { get; set; } = new();
}
