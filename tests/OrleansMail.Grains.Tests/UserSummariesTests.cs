using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansMail.Grains.Storage;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>A user's summaries leave memory once written: what waits is let go at checkpoint, stored batches stay within the per-user budget, and the silo's gauge follows.</summary>
public sealed class UserSummariesTests : IDisposable
{
    private const long BatchBytes = 8 * 1024;
    private const long CacheBytes = 8 * BatchBytes;

    private readonly TempFolder _folder = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly List<SiloGauge> _gauges = [];

    public void Dispose()
    {
        _gauges.ForEach(g => g.Dispose());
        _services.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Summaries_waiting_for_a_batch_are_released_when_the_checkpoint_stores_it()
    {
        var (summaries, gauge) = Make();
        var ids = AddSummaries(summaries, count: 10, size: 1_000);
        Assert.True(summaries.WorthABatch(anyway: false));
        Assert.Equal(summaries.HeldBytes, gauge.Bytes);

        await summaries.WriteBatchAsync("batch-1");
        summaries.BatchStored("batch-1");

        Assert.Equal(0, summaries.PendingCount);
        Assert.Empty(summaries.PendingBodies);
        Assert.False(summaries.WorthABatch(anyway: true));
        Assert.Equal(1, summaries.CachedBatches);
        Assert.InRange(summaries.HeldBytes, 10_000, 10 * 1_100);
        Assert.Equal(summaries.HeldBytes, gauge.Bytes);
        Assert.NotEmpty(ids);
    }

    [Fact]
    public async Task Stored_batches_stay_within_the_per_user_budget_and_their_evictions_are_counted()
    {
        var (summaries, gauge) = Make();
        for (var batch = 0; batch < 12; batch++)
        {
            AddSummaries(summaries, count: 10, size: 1_000);
            await summaries.WriteBatchAsync($"batch-{batch}");
            summaries.BatchStored($"batch-{batch}");
            Assert.InRange(summaries.HeldBytes, 0, CacheBytes);
        }

        Assert.InRange(summaries.CachedBatches, 1, 6);
        Assert.Equal(12 - summaries.CachedBatches, gauge.Evictions);
        Assert.Equal(summaries.HeldBytes, gauge.Bytes);
    }

    [Fact]
    public void A_user_leaving_memory_takes_its_summaries_off_the_silos_gauge()
    {
        var (summaries, gauge) = Make();
        AddSummaries(summaries, count: 5, size: 500);
        Assert.True(gauge.Bytes > 0);

        summaries.Release();

        Assert.Equal(0, gauge.Bytes);
    }

    [Fact]
    public void A_summary_given_twice_for_one_body_counts_once()
    {
        var (summaries, gauge) = Make();
        var body = Guid.NewGuid();
        summaries.Add(body, new byte[800]);
        summaries.Add(body, new byte[300]);

        Assert.Equal(1, summaries.PendingCount);
        Assert.InRange(summaries.HeldBytes, 300, 400);
        Assert.Equal(summaries.HeldBytes, gauge.Bytes);
    }

    private (UserSummaries Summaries, SiloGauge Gauge) Make()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        var gauge = new SiloGauge(meters);
        _gauges.Add(gauge);
        var summaries = new UserSummaries(new FileSystemObjectStore(_folder.Path), UserObjectNames.For("someone@example.org"), BatchBytes, CacheBytes, new MailStoreMetrics(meters));
        return (summaries, gauge);
    }

    private static List<Guid> AddSummaries(UserSummaries summaries, int count, int size)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            summaries.Add(id, new byte[size]);
        }

        return ids;
    }

    /// <summary>What this test's silo reports on its store meter (only its own factory's meter: other tests run beside it).</summary>
    private sealed class SiloGauge : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _bytes;
        private long _evictions;

        public SiloGauge(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MailStoreMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (instrument.Name == "orleansmail.store.summaries")
                {
                    Interlocked.Add(ref _bytes, value);
                }
                else if (instrument.Name == "orleansmail.store.summary_batch_evictions")
                {
                    Interlocked.Add(ref _evictions, value);
                }
            });
            _listener.Start();
        }

        public long Bytes => Interlocked.Read(ref _bytes);

        public long Evictions => Interlocked.Read(ref _evictions);

        public void Dispose() => _listener.Dispose();
    }
}
