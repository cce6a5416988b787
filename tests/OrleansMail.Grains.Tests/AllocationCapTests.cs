using OrleansMail.Grains.Contracts;
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

/// <summary>The periodic checkpoint: a dirty index reaches the store without anyone asking.</summary>
public sealed class CheckpointTimerTests
{
    [Fact]
    public async Task A_dirty_index_is_checkpointed_by_the_timer_and_a_clean_one_is_left_alone()
    {
        using var folder = new TempFolder();
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(folder), tune: o => o.CheckpointInterval = TimeSpan.FromMilliseconds(500));
        const string id = "timer";
        var user = cluster.User(id);
        await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "tick");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        UserStats stats;
        do
        {
            await Task.Delay(200);
            stats = await user.GetStatsAsync();
        }
        while (stats.PendingChanges > 0 && DateTime.UtcNow < deadline);
        Assert.Equal(0, stats.PendingChanges);
        Assert.True(stats.CheckpointSeq >= 1);

        await Task.Delay(1500);
        Assert.Equal(stats.CheckpointSeq, (await user.GetStatsAsync()).CheckpointSeq);
    }
}
