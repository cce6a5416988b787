using System.Diagnostics.Metrics;
using OrleansMail.Caching;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.MailStorage.Memory;

/// <summary>
/// The silo-wide caches and the memory mark on the meter "OrleansMail.Memory": bytes and entries held against each
/// budget, evictions, and whether new work is being refused.
/// </summary>
public sealed class CacheMetrics
{
    public const string MeterName = "OrleansMail.Memory";

    public CacheMetrics(IMeterFactory meters, MessageBodies bodies, MessageSummaries summaries, MemoryPressure pressure)
    {
#pragma warning disable CA2000 // IMeterFactory owns the meters it creates and disposes them with the container
        var meter = meters.Create(MeterName);
#pragma warning restore CA2000
        Func<CacheUsage>[] caches = [() => bodies.CacheUsage, () => summaries.CacheUsage];
        string[] names = ["bodies", "summaries"];
        IEnumerable<Measurement<long>> Each(Func<CacheUsage, long> value) =>
            caches.Select((usage, i) => new Measurement<long>(value(usage()), new KeyValuePair<string, object?>("cache", names[i])));

        meter.CreateObservableGauge("orleansmail.cache.bytes", () => Each(u => u.Bytes), unit: "By", description: "Bytes a silo-wide cache holds");
        meter.CreateObservableGauge("orleansmail.cache.budget", () => Each(u => u.MaxBytes), unit: "By", description: "Bytes a silo-wide cache may hold");
        meter.CreateObservableGauge("orleansmail.cache.entries", () => Each(u => u.Count), description: "Entries a silo-wide cache holds");
        meter.CreateObservableCounter("orleansmail.cache.evictions", () => Each(u => u.Evictions), description: "Entries dropped to stay in budget");
        meter.CreateObservableGauge("orleansmail.memory.shedding", () => pressure.IsShort ? 1 : 0, description: "1 while new logins and deliveries are refused for lack of memory");
        meter.CreateObservableGauge("orleansmail.memory.shed_limit", () => pressure.Limit, unit: "By", description: "Resident memory above which new work is refused");
    }
}
