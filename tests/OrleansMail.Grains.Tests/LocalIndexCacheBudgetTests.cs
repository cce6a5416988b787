using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansMail.Grains.Cache;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>The silo's local index snapshots stay within Store:LocalCacheMaxBytes on disk; journals are never touched.</summary>
public sealed class LocalIndexCacheBudgetTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void Past_the_budget_the_snapshots_saved_or_read_longest_ago_are_deleted_and_counted()
    {
        var index = new UserIndex();
        index.Apply(new MailboxCreated(0, Guid.NewGuid(), "INBOX", Mail.SpecialUse.None, 1));
        var size = MeasureSnapshot(index);
        var root = Path.Combine(_folder.Path, "cache");
        var metrics = new MailStoreMetrics(_services.GetRequiredService<IMeterFactory>());
        var cache = new LocalIndexCache(root, (4 * size) + (size / 2), metrics);
        var journal = Path.Combine(cache.UserDirectory("a"), "journal-keep");

        foreach (var user in new[] { "a", "b", "c", "d" })
        {
            cache.Save(user, 1, Guid.Empty, index);
        }

        File.WriteAllText(journal, "unflushed changes");
        Assert.NotNull(cache.TryLoad("a", 1, Guid.Empty)); // a is now the most recent
        cache.Save("e", 1, Guid.Empty, index);

        Assert.False(Snapshot(root, "b"), "the least recently used snapshot stays");
        Assert.True(Snapshot(root, "a") && Snapshot(root, "c") && Snapshot(root, "d") && Snapshot(root, "e"));
        Assert.True(File.Exists(journal), "a journal was deleted");
        Assert.Equal(new Caching.CacheUsage(4 * size, 4, (4 * size) + (size / 2), 1), cache.SnapshotUsage);
        Assert.Null(cache.TryLoad("b", 1, Guid.Empty));
    }

    [Fact]
    public void A_silo_that_starts_again_counts_the_snapshots_it_left_and_keeps_to_the_budget()
    {
        var index = new UserIndex();
        var size = MeasureSnapshot(index);
        var root = Path.Combine(_folder.Path, "again");
        var unlimited = new LocalIndexCache(root);
        for (var i = 1; i <= 5; i++)
        {
            unlimited.Save($"old{i}", 1, Guid.Empty, index);
            File.SetLastWriteTimeUtc(Path.Combine(root, $"old{i}", "snapshot"), DateTime.UtcNow.AddHours(i - 10)); // old1 the oldest
        }

        // Four fit (a cache keeps nothing larger than a quarter of itself).
        var cache = new LocalIndexCache(root, (4 * size) + (size / 2));
        cache.Save("new", 1, Guid.Empty, index);

        Assert.False(Snapshot(root, "old1"));
        Assert.False(Snapshot(root, "old2"));
        Assert.True(Snapshot(root, "old3") && Snapshot(root, "old4") && Snapshot(root, "old5") && Snapshot(root, "new"));
        Assert.Equal(4, cache.SnapshotUsage.Count);
    }

    private long MeasureSnapshot(UserIndex index)
    {
        var probe = new LocalIndexCache(Path.Combine(_folder.Path, "probe-" + Guid.NewGuid().ToString("N")));
        probe.Save("probe", 1, Guid.Empty, index);
        return new FileInfo(Path.Combine(probe.UserDirectory("probe"), "snapshot")).Length;
    }

    private static bool Snapshot(string root, string user) => File.Exists(Path.Combine(root, user, "snapshot"));
}
