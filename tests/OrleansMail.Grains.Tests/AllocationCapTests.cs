using OrleansMail.Mail;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>The allocation cap forces checkpoints, so an unclean end can never have handed out more than the raise covers.</summary>
public sealed class AllocationCapTests
{
    [Fact]
    public async Task Reaching_the_cap_checkpoints_before_more_uids_are_handed_out()
    {
        using var folder = new TempFolder();
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(folder), tune: o => o.AllocationCap = 40);
        const string id = "cap";
        var user = cluster.User(id);
        for (var i = 0; i < 50; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "m" + i);
        }

        var stats = await user.GetStatsAsync();
        Assert.True(stats.CheckpointSeq >= 2, $"only {stats.CheckpointSeq} checkpoints for 100 allocations under a cap of 40");
        Assert.True(stats.PendingChanges <= 20);
        var inbox = await user.GetMailboxAsync("INBOX");
        var copy = await user.CopyAsync(inbox.Id, UidSet.Range(1, uint.MaxValue), (await user.GetMailboxAsync("Archive")).Id, move: false);
        Assert.Equal(50, copy.DestinationUids.Length);
        Assert.True((await user.GetStatsAsync()).CheckpointSeq > stats.CheckpointSeq);
    }
}
