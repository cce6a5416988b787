using System.Diagnostics.Metrics;

namespace OrleansMail.Lmtp;

/// <summary>LMTP counters for OpenTelemetry (meter "OrleansMail.Lmtp").</summary>
public sealed class LmtpMetrics
{
    public const string MeterName = "OrleansMail.Lmtp";

    public LmtpMetrics(IMeterFactory meters)
    {
#pragma warning disable CA2000 // IMeterFactory owns the meters it creates and disposes them with the container
        var meter = meters.Create(MeterName);
#pragma warning restore CA2000
        Sessions = meter.CreateUpDownCounter<long>("orleansmail.lmtp.sessions", description: "Open LMTP sessions");
        Deliveries = meter.CreateCounter<long>("orleansmail.lmtp.deliveries", description: "Per-recipient outcomes, tagged by result");
        Bytes = meter.CreateCounter<long>("orleansmail.lmtp.bytes", unit: "By", description: "Message bytes received");
        DeliveryDuration = meter.CreateHistogram<double>("orleansmail.lmtp.delivery.duration", unit: "ms", description: "Time from end of data to the last reply");
        ShedTransactions = meter.CreateCounter<long>("orleansmail.lmtp.shed_transactions", description: "Transactions refused (451) because the silo was short of memory");
    }

    public UpDownCounter<long> Sessions { get; }

    public Counter<long> Deliveries { get; }

    public Counter<long> Bytes { get; }

    public Histogram<double> DeliveryDuration { get; }

    public Counter<long> ShedTransactions { get; }
}
