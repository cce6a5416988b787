namespace OrleansMail.Hosting;

/// <summary>Section OrleansMail:Telemetry: where metrics and traces go besides the log.</summary>
public sealed class TelemetryOptions
{
    /// <summary>An OTLP collector (gRPC, e.g. http://collector:4317) for metrics and traces; empty exports nothing.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>Serve the metrics at /metrics on the HTTP listener, in Prometheus' text format.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>Fraction of requests traced (LMTP deliveries, IMAP commands, grain calls, store calls), 0 to 1.</summary>
    public double TraceSampleRatio { get; set; } = 0.01;
}
