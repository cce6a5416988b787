using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>A user moved between silos while active (docs/architecture.md, Live migration): nothing reloaded, nothing lost, nobody forgotten.</summary>
public sealed class LiveMigrationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_moved_user_keeps_its_index_its_observers_and_its_recent_claims_without_reading_its_index_from_the_store()
    {
        const string id = "mover";
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder), silos: 2);
        var user = cluster.User(id);
        await user.CreateMailboxAsync("Work");
        for (var i = 0; i < 30; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, i % 3 == 0 ? "Work" : "INBOX", "m" + i);
        }

        var inbox = await user.GetMailboxAsync("INBOX");
        await user.StoreFlagsAsync(inbox.Id, UidSet.Range(1, 4), FlagOperation.Add, MessageFlags.Seen, ["$Label1"]);
        Assert.Equal(1u, await user.ClaimRecentAsync(inbox.Id, inbox.UidNext - 1));
        var observer = new CountingObserver();
        await user.SubscribeAsync(cluster.Client.CreateObjectReference<IMailboxObserver>(observer));
        var before = await TestMessages.ListingAsync(user);
        var first = await cluster.SiloOfAsync(id);
        var second = cluster.Cluster.Silos.Single(s => s != first);
        var index = UserObjectNames.For(id).IndexPrefix;
        int IndexReads() => cluster.Operations.Where(o => o.Key.StartsWith("read " + index, StringComparison.Ordinal) || o.Key.StartsWith("ranged_read " + index, StringComparison.Ordinal)).Sum(o => o.Value);
        var readsBefore = IndexReads();

        Assert.Equal(second.SiloAddress.ToString(), await user.MoveAsync(second.SiloAddress.ToString()));
        await MailCluster.EventuallyAsync(async () => (await user.GetStatsAsync()).Silo == second.SiloAddress.ToString());

        var stats = await user.GetStatsAsync();
        Assert.Equal("migration", stats.LoadedFrom);
        Assert.Equal(1, stats.Observers);
        Assert.Equal(readsBefore, IndexReads());
        Assert.Equal(before, await TestMessages.ListingAsync(user));
        Assert.Equal(inbox.UidNext, await user.ClaimRecentAsync(inbox.Id, inbox.UidNext - 1)); // nothing recent left to claim

        // The handed-over observer hears of the next change without having subscribed again.
        var heard = observer.Changes;
        await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "after the move");
        await MailCluster.EventuallyAsync(() => Task.FromResult(observer.Changes > heard));

        // The new activation journals and checkpoints as any other: a reactivation finds every change.
        await user.StoreFlagsAsync(inbox.Id, UidSet.Of(3), FlagOperation.Add, MessageFlags.Flagged, []);
        var moved = await TestMessages.ListingAsync(user);
        await user.DeactivateAsync();
        Assert.Equal(moved, await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user)));
        Assert.NotEqual("migration", (await user.GetStatsAsync()).LoadedFrom);
    }

    [Fact]
    public async Task A_move_to_no_silo_or_an_unknown_one_is_refused_and_a_move_to_where_it_is_does_nothing()
    {
        const string id = "stayer";
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder), silos: 1);
        var user = cluster.User(id);
        await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "m");
        var activation = (await user.GetStatsAsync()).ActivationId;
        var here = cluster.Cluster.Silos[0].SiloAddress.ToString();

        Assert.Equal(MailStoreErrorKind.NotFound, (await Assert.ThrowsAsync<MailStoreException>(() => user.MoveAsync(null))).Kind);
        Assert.Equal(MailStoreErrorKind.NotFound, (await Assert.ThrowsAsync<MailStoreException>(() => user.MoveAsync("nowhere:1"))).Kind);
        Assert.Equal(here, await user.MoveAsync(here));
        await Task.Delay(500);
        Assert.Equal(activation, (await user.GetStatsAsync()).ActivationId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_gracefully_stopping_silo_hands_its_users_to_the_other_silo_unless_draining_is_off(bool drain)
    {
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder), silos: 2, tune: o => o.DrainTimeout = drain ? TimeSpan.FromSeconds(20) : TimeSpan.Zero);
        string[] ids = ["d0", "d1", "d2", "d3", "d4", "d5"];
        var observer = new CountingObserver();
        var reference = cluster.Client.CreateObjectReference<IMailboxObserver>(observer);
        var before = new Dictionary<string, List<(string, uint, Guid, MessageFlags, ulong)>>();
        foreach (var id in ids)
        {
            await TestMessages.SaveAsync(cluster.Store, cluster.User(id), id, "INBOX", "m");
            await cluster.User(id).SubscribeAsync(reference);
            before[id] = await TestMessages.ListingAsync(cluster.User(id));
        }

        var stopping = await cluster.SiloOfAsync(ids[0]);
        var remaining = cluster.Cluster.Silos.Single(s => s != stopping).SiloAddress.ToString();
        var onStopping = new List<string>();
        foreach (var id in ids)
        {
            if ((await cluster.User(id).GetStatsAsync()).Silo == stopping.SiloAddress.ToString())
            {
                onStopping.Add(id);
            }
        }

        await cluster.Cluster.StopSiloAsync(stopping);
        foreach (var id in onStopping)
        {
            var user = cluster.User(id);
            Assert.Equal(before[id], await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user)));
            var stats = await user.GetStatsAsync();
            Assert.Equal(remaining, stats.Silo);
            Assert.Equal(drain ? "migration" : "store", stats.LoadedFrom);
            Assert.Equal(drain ? 1 : 0, stats.Observers);
        }
    }
}
