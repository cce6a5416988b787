using System.Diagnostics.Metrics;

namespace OrleansMail.Grains;

/// <summary>Store-side counters for OpenTelemetry (meter "OrleansMail.Store"): active users, checkpoints and their sizes, recoveries, merges, the summaries users hold.</summary>
public sealed class MailStoreMetrics
{
    private readonly Meter _meter;

    public const string MeterName = "OrleansMail.Store";

    public MailStoreMetrics(IMeterFactory meters)
    {
#pragma warning disable CA2000 // IMeterFactory owns the meters it creates and disposes them with the container
        var meter = meters.Create(MeterName);
#pragma warning restore CA2000
        _meter = meter;
        ActiveUsers = meter.CreateUpDownCounter<long>("orleansmail.store.active_users", description: "User grains active on this silo");
        Checkpoints = meter.CreateCounter<long>("orleansmail.store.checkpoints", description: "Checkpoints written, tagged by outcome");
        CheckpointBytes = meter.CreateHistogram<long>("orleansmail.store.checkpoint.bytes", unit: "By", description: "Bytes uploaded by a checkpoint");
        Recoveries = meter.CreateCounter<long>("orleansmail.store.recoveries", description: "Activations after an unclean end");
        Merges = meter.CreateCounter<long>("orleansmail.store.merges", description: "Diverged journal chains merged");
        CollectedBodiesDropped = meter.CreateCounter<long>("orleansmail.store.collected_bodies_dropped", description: "Records a late journal brought back whose bodies had been collected; expunged at merge");
        SummaryBytes = meter.CreateUpDownCounter<long>("orleansmail.store.summaries", unit: "By", description: "Bytes of message summaries active users hold: waiting for a batch, and batches read lately (Store:SummaryCacheBytesPerUser each)");
        SummaryBatchEvictions = meter.CreateCounter<long>("orleansmail.store.summary_batch_evictions", description: "Summary batches active users dropped to stay within Store:SummaryCacheBytesPerUser");
        FullTextIndexed = meter.CreateCounter<long>("orleansmail.fts.indexed", description: "Messages added to full-text indexes, tagged by source (ingest: the delivery's text; body: read back from the store)");
        FullTextWaiting = meter.CreateUpDownCounter<long>("orleansmail.fts.waiting", description: "Messages waiting to be read into active users' full-text indexes");
        FullTextSearches = meter.CreateCounter<long>("orleansmail.fts.searches", description: "Text keys answered by full-text indexes");
        SalvagedChanges = meter.CreateCounter<long>("orleansmail.store.salvage.changes_not_placed", description: "Flag changes and expunges of a journal older than the kept history that could not be placed");
    }

    public UpDownCounter<long> ActiveUsers { get; }

    public Counter<long> Checkpoints { get; }

    public Histogram<long> CheckpointBytes { get; }

    public Counter<long> Recoveries { get; }

    public Counter<long> Merges { get; }

    public Counter<long> CollectedBodiesDropped { get; }

    public Counter<long> SalvagedChanges { get; }

    public Counter<long> FullTextIndexed { get; }

    public UpDownCounter<long> FullTextWaiting { get; }

    public Counter<long> FullTextSearches { get; }

    public UpDownCounter<long> SummaryBytes { get; }

    public Counter<long> SummaryBatchEvictions { get; }

    /// <summary>Reports the silo's local index snapshots: the disk they take and how many were deleted to stay within Store:LocalCacheMaxBytes.</summary>
    public void ObserveLocalCache(Func<Caching.CacheUsage> usage)
    {
        _meter.CreateObservableGauge("orleansmail.store.local_cache", () => usage().Bytes, unit: "By", description: "Disk the silo's local index snapshots take (Store:LocalCacheMaxBytes)");
        _meter.CreateObservableCounter("orleansmail.store.local_cache_evictions", () => usage().Evictions, description: "Local index snapshots deleted to stay within Store:LocalCacheMaxBytes");
    }
}
