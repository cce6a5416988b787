using System.Diagnostics.Metrics;

namespace OrleansMail.ManageSieve;

/// <summary>ManageSieve counters for OpenTelemetry (meter "OrleansMail.ManageSieve").</summary>
public sealed class ManageSieveMetrics
{
    public const string MeterName = "OrleansMail.ManageSieve";

    public ManageSieveMetrics(IMeterFactory meters)
    {
#pragma warning disable CA2000 // IMeterFactory owns the meters it creates and disposes them with the container
        var meter = meters.Create(MeterName);
#pragma warning restore CA2000
        Sessions = meter.CreateUpDownCounter<long>("orleansmail.managesieve.sessions", description: "Open ManageSieve sessions");
        AuthFailures = meter.CreateCounter<long>("orleansmail.managesieve.auth_failures", description: "Failed ManageSieve logins");
        ScriptsStored = meter.CreateCounter<long>("orleansmail.managesieve.scripts_stored", description: "Scripts stored with PUTSCRIPT");
    }

    public UpDownCounter<long> Sessions { get; }

    public Counter<long> AuthFailures { get; }

    public Counter<long> ScriptsStored { get; }
}
