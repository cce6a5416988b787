using System.Diagnostics.Metrics;

namespace OrleansMail.Imap;

/// <summary>IMAP instruments on the meter "OrleansMail.Imap" (exported by OpenTelemetry when configured).</summary>
public sealed class ImapMetrics
{
    public const string MeterName = "OrleansMail.Imap";

    public ImapMetrics(IMeterFactory meters)
    {
#pragma warning disable CA2000 // IMeterFactory owns the meters it creates and disposes them with the container
        var meter = meters.Create(MeterName);
#pragma warning restore CA2000
        Sessions = meter.CreateUpDownCounter<long>("orleansmail.imap.sessions", description: "Open IMAP sessions");
        Commands = meter.CreateCounter<long>("orleansmail.imap.commands", description: "IMAP commands run");
        AuthFailures = meter.CreateCounter<long>("orleansmail.imap.auth_failures", description: "Failed IMAP logins");
        Appended = meter.CreateCounter<long>("orleansmail.imap.appended", description: "Messages saved by APPEND");
        ShedLogins = meter.CreateCounter<long>("orleansmail.imap.shed_logins", description: "Logins refused because the silo was short of memory");
    }

    public UpDownCounter<long> Sessions { get; }

    public Counter<long> Commands { get; }

    public Counter<long> AuthFailures { get; }

    public Counter<long> Appended { get; }

    public Counter<long> ShedLogins { get; }
}
