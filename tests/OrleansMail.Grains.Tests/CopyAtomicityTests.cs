using OrleansMail.Mail;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>COPY is all or nothing (RFC 3501 §6.4.7), even when it is committed in chunks under the allocation cap.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CopyAtomicityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_COPY_that_fails_partway_leaves_no_copy_behind_and_a_retry_duplicates_nothing()
    {
        // Undefended: the chunks committed before the failure stayed; the client's retry copied them again.
        const string id = "copier";
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder), silos: 1, tune: o => o.AllocationCap = 40);
        var user = cluster.User(id);
        for (var i = 0; i < 50; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "m" + i);
        }

        var inbox = await user.GetMailboxAsync("INBOX");
        var archive = await user.CreateMailboxAsync("Archive");
        await user.CheckpointAsync();

        // Chunks of 18 under a cap of 40: the first two commit without the store, the third needs a checkpoint.
        var plan = cluster.PlanOf(cluster.Cluster.Silos[0]);
        plan.Down = true;
        await Assert.ThrowsAnyAsync<Exception>(() => user.CopyAsync(inbox.Id, UidSet.Range(1, 50), archive.Id, move: false));
        Assert.Equal(0, (await user.GetMailboxAsync("Archive")).Messages);

        plan.Down = false;
        var copied = await MailCluster.RetryAsync(() => user.CopyAsync(inbox.Id, UidSet.Range(1, 50), archive.Id, move: false));
        Assert.Equal(50, copied.DestinationUids.Length);
        Assert.Equal(50, (await user.GetMailboxAsync("Archive")).Messages);
        Assert.Equal(50, (await user.GetMailboxAsync("INBOX")).Messages);
    }
}
