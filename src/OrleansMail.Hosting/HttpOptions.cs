namespace OrleansMail.Hosting;

/// <summary>Section OrleansMail:Http: the operator's HTTP listener, for probes (/healthz, /ready) and the Prometheus scrape (/metrics).</summary>
public sealed class HttpOptions
{
    /// <summary>Where it listens; empty for none. Loopback by default: nothing here is for the internet.</summary>
    public string Endpoint { get; set; } = "127.0.0.1:8025";
}
