using OrleansMail.Grains.Storage;
using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>Body GC: a body goes only when nothing references it, no unmerged segment might, and the grace period passed.</summary>
public sealed class GarbageCollectionTests : EmbeddedClusterTest
{

    [Fact]
    public async Task A_copy_keeps_a_body_alive_and_no_orphan_remains_after_expunge_checkpoint_and_gc()
    {
        const string id = "gc";
        var names = UserObjectNames.For(id);
        var user = Cluster.User(id);
        var (body, saved) = await TestMessages.SaveAsync(Cluster.Store, user, id, "INBOX", "keep me");
        var trash = await user.GetMailboxAsync("Trash");
        var copy = await user.CopyAsync(saved.MailboxId, UidSet.Of(saved.Uid), trash.Id, move: true);

        await user.CheckpointAsync();
        Assert.Equal(0, await user.CollectGarbageAsync());
        Assert.NotNull(await Cluster.Store.GetPropertiesAsync(names.Body(body)));

        await user.StoreFlagsAsync(trash.Id, UidSet.Of(copy.DestinationUids), FlagOperation.Add, MessageFlags.Deleted, []);
        await user.ExpungeAsync(trash.Id);
        Assert.Equal(1, (await user.GetStatsAsync()).Tombstones);
        await user.CheckpointAsync();
        Assert.Equal(1, await user.CollectGarbageAsync());
        Assert.Null(await Cluster.Store.GetPropertiesAsync(names.Body(body)));
        Assert.Empty(await Cluster.Store.ListAllAsync(names.MessagesPrefix).ToListAsync());
        Assert.Equal(0, (await user.GetStatsAsync()).Tombstones);

        // The cleared tombstone is durable: a reactivation does not try again, and recovery would not re-index.
        await user.DeactivateAsync();
        Assert.Equal(0, (await user.GetStatsAsync()).Tombstones);
    }

    [Fact]
    public async Task Gc_waits_while_an_unmerged_segment_might_reference_a_body()
    {
        const string id = "gc-wait";
        var names = UserObjectNames.For(id);
        var user = Cluster.User(id);
        var (body, saved) = await TestMessages.SaveAsync(Cluster.Store, user, id, "INBOX", "doomed");
        await user.StoreFlagsAsync(saved.MailboxId, UidSet.Of(saved.Uid), FlagOperation.Add, MessageFlags.Deleted, []);
        await user.ExpungeAsync(saved.MailboxId);
        await user.CheckpointAsync();

        // A segment some other writer left (a zombie's) that no manifest reaches yet.
        var stray = new SegmentHeader(Guid.NewGuid(), 1, 0);
        await Cluster.Store.CreateAsync(names.Index(stray.ObjectName), JournalSegment.ToBytes(stray, [new SubscriptionChanged(1, "INBOX", true)]));
        Assert.Equal(0, await user.CollectGarbageAsync());
        Assert.NotNull(await Cluster.Store.GetPropertiesAsync(names.Body(body)));

        // The next activation merges it; then GC may go ahead.
        await user.DeactivateAsync();
        await MailCluster.RetryAsync(() => user.GetStatsAsync());
        Assert.Equal(1, await user.CollectGarbageAsync());
        Assert.Null(await Cluster.Store.GetPropertiesAsync(names.Body(body)));
    }
}

/// <summary>With a grace period, a fresh tombstone is left alone.</summary>
public sealed class GarbageGraceTests
{
    [Fact]
    public async Task A_body_inside_its_grace_period_is_kept()
    {
        using var folder = new TempFolder();
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(folder), tune: o => o.GarbageGracePeriod = TimeSpan.FromDays(1));
        const string id = "grace";
        var user = cluster.User(id);
        var (body, saved) = await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "x");
        await user.StoreFlagsAsync(saved.MailboxId, UidSet.Of(saved.Uid), FlagOperation.Add, MessageFlags.Deleted, []);
        await user.ExpungeAsync(saved.MailboxId);
        await user.CheckpointAsync();
        Assert.Equal(0, await user.CollectGarbageAsync());
        Assert.NotNull(await cluster.Store.GetPropertiesAsync(UserObjectNames.For(id).Body(body)));
    }
}
