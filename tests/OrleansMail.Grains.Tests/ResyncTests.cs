using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.Mail;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.ObjectStore.Leases;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>
/// docs/architecture.md promises 3 and 4 as a QRESYNC client sees them (RFC 7162): a client that kept (UID → message, flags)
/// and a HIGHESTMODSEQ resynchronises from <c>GetChangesAsync</c> after a silo kill, after the dead node's journal
/// is merged, and after a zombie's work is merged; its rebuilt view must equal a fresh full listing, and no UID it
/// knew may name another message.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ResyncTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>What a QRESYNC client keeps of a mailbox.</summary>
    private sealed record ClientView(Dictionary<uint, (Guid Body, MessageFlags Flags)> Messages, ulong ModSeq, uint UidValidity);

    private static async Task<ClientView> SnapshotAsync(IUserGrain user)
    {
        var box = await MailCluster.RetryAsync(() => user.GetMailboxAsync("INBOX"));
        var all = await user.FetchAsync(box.Id, UidSet.Range(1, uint.MaxValue - 1));
        return new ClientView(all.ToDictionary(m => m.Uid, m => (m.BodyId, m.Flags)), box.HighestModSeq, box.UidValidity);
    }

    /// <summary>
    /// The client's side of SELECT (QRESYNC): with a complete history, drop the vanished UIDs and apply the changed
    /// records; without one, the server answers with a full compare (what the IMAP session sends then).
    /// </summary>
    private static async Task<(ClientView View, bool Complete)> ResyncAsync(IUserGrain user, ClientView known)
    {
        var box = await MailCluster.RetryAsync(() => user.GetMailboxAsync("INBOX"));
        Assert.Equal(known.UidValidity, box.UidValidity);
        var changes = await user.GetChangesAsync(box.Id, known.ModSeq);
        var messages = new Dictionary<uint, (Guid Body, MessageFlags Flags)>(known.Messages);
        if (changes.VanishedComplete)
        {
            foreach (var uid in changes.Vanished)
            {
                messages.Remove(uid);
            }

            foreach (var m in changes.Changed)
            {
                messages[m.Uid] = (m.BodyId, m.Flags);
            }
        }
        else
        {
            var everything = await user.GetChangesAsync(box.Id, 0);
            messages = everything.Changed.ToDictionary(m => m.Uid, m => (m.BodyId, m.Flags));
        }

        return (new ClientView(messages, changes.HighestModSeq, box.UidValidity), changes.VanishedComplete);
    }

    private static void AssertSameAsFullListing(ClientView rebuilt, ClientView truth, params ClientView[] earlier)
    {
        Assert.Equal(truth.Messages.Keys.Order(), rebuilt.Messages.Keys.Order());
        foreach (var (uid, message) in truth.Messages)
        {
            Assert.Equal(message, rebuilt.Messages[uid]);
        }

        foreach (var view in earlier)
        {
            foreach (var (uid, message) in view.Messages)
            {
                Assert.True(!truth.Messages.TryGetValue(uid, out var now) || now.Body == message.Body, $"UID {uid} now names another message");
            }
        }
    }

    [Fact]
    public async Task A_client_resyncs_to_the_truth_after_a_silo_kill_and_after_the_dead_nodes_journal_is_merged()
    {
        const string id = "resync-crash";
        var storage = await StoreSetup.AzureAsync(azurite.Server, _folder);
        await using var cluster = await MailCluster.StartAsync(storage, silos: 2);
        var user = cluster.User(id);
        for (var i = 0; i < 20; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "early" + i);
        }

        await user.CheckpointAsync();
        var beforeTail = await SnapshotAsync(user);

        // The tail the dead node never checkpoints: a delivery, flags, an expunge. A client sees all of it.
        for (var i = 0; i < 3; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "late" + i);
        }

        var inbox = await user.GetMailboxAsync("INBOX");
        await user.StoreFlagsAsync(inbox.Id, UidSet.Range(1, 4), FlagOperation.Add, MessageFlags.Seen, []);
        await user.StoreFlagsAsync(inbox.Id, UidSet.Of(5, 6), FlagOperation.Add, MessageFlags.Deleted, []);
        await user.ExpungeAsync(inbox.Id);
        var sawTail = await SnapshotAsync(user);

        var dead = await cluster.KillSiloOfAsync(id);

        // Both clients, the one that saw the lost tail and the one that did not, rebuild the survivor's truth.
        var afterKill = await SnapshotAsync(user);
        var (fromTail, tailComplete) = await ResyncAsync(user, sawTail);
        Assert.False(tailComplete, "a client that saw the dead node's last changes must get a full resync");
        AssertSameAsFullListing(fromTail, afterKill, sawTail, beforeTail);
        var (fromBefore, _) = await ResyncAsync(user, beforeTail);
        AssertSameAsFullListing(fromBefore, afterKill, beforeTail);

        // The dead node returns with its disk; its journal is merged. A client of the survivor resyncs again.
        await cluster.ReturnAsync(dead);
        await user.DeactivateAsync();
        var afterMerge = await MailCluster.RetryAsync(() => SnapshotAsync(user));
        var (fromSurvivor, _) = await ResyncAsync(user, afterKill);
        AssertSameAsFullListing(fromSurvivor, afterMerge, afterKill, sawTail, beforeTail);
        Assert.Contains(afterMerge.Messages.Values, m => m.Flags.HasFlag(MessageFlags.Seen));
    }

    [Fact]
    public async Task Clients_of_both_sides_of_a_split_brain_resync_to_the_merged_truth()
    {
        const string id = "resync-zombie";
        var storage = await StoreSetup.AzureAsync(azurite.Server, _folder);
        await using var clusterA = await MailCluster.StartAsync(storage);
        await using var clusterB = await MailCluster.StartAsync(storage);
        var a = clusterA.User(id);
        for (var i = 0; i < 12; i++)
        {
            await TestMessages.SaveAsync(storage.Store, a, id, "INBOX", "base" + i);
        }

        await a.CheckpointAsync();
        var inbox = await a.GetMailboxAsync("INBOX");
        await TestMessages.SaveAsync(storage.Store, a, id, "INBOX", "a-only");
        await a.StoreFlagsAsync(inbox.Id, UidSet.Range(1, 2), FlagOperation.Add, MessageFlags.Answered, []);
        await a.StoreFlagsAsync(inbox.Id, UidSet.Of(3), FlagOperation.Add, MessageFlags.Deleted, []);
        await a.ExpungeAsync(inbox.Id);
        var clientOfA = await SnapshotAsync(a);
        clusterA.PlanOf(clusterA.Cluster.Silos[0]).Block = name => name.EndsWith("/lease", StringComparison.Ordinal);
        var names = UserObjectNames.For(id);
        while ((await UserLease.ReadAsync(storage.Store, names.Lease)).Record!.ExpiresAt > DateTimeOffset.UtcNow)
        {
            await Task.Delay(200);
        }

        var b = clusterB.User(id);
        await MailCluster.RetryAsync(() => b.GetMailboxAsync("INBOX"));
        await TestMessages.SaveAsync(storage.Store, b, id, "INBOX", "b-only");
        var boxB = await b.GetMailboxAsync("INBOX");
        await b.StoreFlagsAsync(boxB.Id, UidSet.Range(7, 8), FlagOperation.Add, MessageFlags.Flagged, []);
        await b.StoreFlagsAsync(boxB.Id, UidSet.Of(9), FlagOperation.Add, MessageFlags.Deleted, []);
        await b.ExpungeAsync(boxB.Id);
        var clientOfB = await SnapshotAsync(b);
        await Assert.ThrowsAsync<Errors.MailStoreException>(() => a.CheckpointAsync());

        await b.DeactivateAsync();
        var merged = await MailCluster.RetryAsync(() => SnapshotAsync(b));
        var (rebuiltB, _) = await ResyncAsync(b, clientOfB);
        AssertSameAsFullListing(rebuiltB, merged, clientOfB, clientOfA);
        var (rebuiltA, _) = await ResyncAsync(b, clientOfA);
        AssertSameAsFullListing(rebuiltA, merged, clientOfA, clientOfB);
    }
}
