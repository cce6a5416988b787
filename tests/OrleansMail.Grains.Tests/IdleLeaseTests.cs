using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.Hosting.Azure;
using OrleansMail.Mail;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.ObjectStore.Testing;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>
/// Leases cost nothing while a user is idle (docs/architecture.md, "Leases"): every renewal is a billed write, and a
/// phone in IDLE keeps a user active for days. Fencing still holds: the first write after a quiet period takes the
/// lease back conditionally, and fails if anyone else took it meanwhile.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IdleLeaseTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task An_active_user_with_a_listening_session_and_nothing_to_do_issues_no_store_writes()
    {
        // Undefended: the lease was rewritten every quarter of its duration for as long as the grain lived.
        const string id = "idle";
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder), tune: o =>
        {
            o.LeaseDuration = TimeSpan.FromSeconds(2);
            o.CheckpointInterval = TimeSpan.FromSeconds(1);
            o.ForeignSegmentScanInterval = TimeSpan.FromSeconds(1);
        });
        var user = cluster.User(id);
        await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "kept");
        await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "deleted");
        var inbox = await user.GetMailboxAsync("INBOX");
        await user.StoreFlagsAsync(inbox.Id, UidSet.Of(2), FlagOperation.Add, MessageFlags.Deleted, []);
        await user.ExpungeAsync(inbox.Id, UidSet.Of(2));
        var listener = new CountingObserver();
        await user.SubscribeAsync(cluster.Client.CreateObjectReference<IMailboxObserver>(listener));

        // The checkpoint and the body GC of the expunge settle; then the user is left alone, its session listening.
        var lease = UserObjectNames.For(id).Lease;
        var before = CountingObjectStore.Writes(cluster.Operations);
        for (var settled = 0; settled < 10; settled++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var now = CountingObjectStore.Writes(cluster.Operations);
            if (now == before)
            {
                break;
            }

            before = now;
        }

        await Task.Delay(TimeSpan.FromSeconds(8)); // 16 renewal periods, 8 checkpoint ticks, 8 scans
        var idleWrites = CountingObjectStore.Writes(cluster.Operations) - before;
        Assert.Equal(0, idleWrites);

        // The next write takes the lease back first (one conditional write; the renewal timer, seeing a write, may
        // add one more at once), then goes on as ever.
        var leaseWrites = cluster.Operations.GetValueOrDefault("replace " + lease);
        await user.StoreFlagsAsync(inbox.Id, UidSet.Of(1), FlagOperation.Add, MessageFlags.Seen, []);
        Assert.InRange(cluster.Operations.GetValueOrDefault("replace " + lease), leaseWrites + 1, leaseWrites + 2);
        await user.CheckpointAsync();
        Assert.Equal(MessageFlags.Seen, (await TestMessages.ListingAsync(user)).Single().Flags);
        Assert.True(listener.Changes > 0);
    }

    [Fact]
    public async Task An_idle_activation_whose_lapsed_lease_was_taken_over_is_fenced_at_its_next_write()
    {
        // Two clusters on one store: a split brain. The first went quiet and let its lease lapse; the second took
        // the user over. The first's next write must not be acknowledged, and nothing either side acknowledged is lost.
        const string id = "lapsed";
        var storage = StoreSetup.FileSystem(_folder);
        await using var first = await MailCluster.StartAsync(storage, tune: o => o.LeaseDuration = TimeSpan.FromSeconds(2));
        await using var second = await MailCluster.StartAsync(storage, tune: o => o.LeaseDuration = TimeSpan.FromSeconds(2));
        var onFirst = first.User(id);
        await TestMessages.SaveAsync(first.Store, onFirst, id, "INBOX", "before");
        await onFirst.CheckpointAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));

        var onSecond = second.User(id);
        await TestMessages.SaveAsync(second.Store, onSecond, id, "INBOX", "taken-over");
        var inbox = await onFirst.GetMailboxAsync("INBOX");
        var refused = await Assert.ThrowsAsync<MailStoreException>(() => onFirst.StoreFlagsAsync(inbox.Id, UidSet.Of(1), FlagOperation.Add, MessageFlags.Flagged, []));
        Assert.Equal(MailStoreErrorKind.Unavailable, refused.Kind);

        var listing = await TestMessages.ListingAsync(onSecond);
        Assert.Equal(2, listing.Count);
        Assert.DoesNotContain(listing, r => r.Flags.HasFlag(MessageFlags.Flagged));
    }
}
