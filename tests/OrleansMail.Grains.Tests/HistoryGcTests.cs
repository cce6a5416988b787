using System.Text;
using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>
/// History GC (docs/architecture.md): superseded index objects and summary batches no message needs leave the store,
/// and no failure at any step of a checkpoint removes an object a later activation or merge reads.
/// </summary>
public sealed class HistoryGcTests
{
    /// <summary>Every checkpoint compacts and every summary goes into a batch at once, so GC has work at every step.</summary>
    private static readonly Action<UserGrainOptions> Busy = o =>
    {
        o.CompactionSegments = 1;
        o.SummaryBatchBytes = 0;
    };

    [Fact]
    public async Task A_summary_batch_whose_messages_are_all_expunged_leaves_the_store_and_the_others_stay_readable()
    {
        using var folder = new TempFolder();
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(folder), tune: Busy);
        const string id = "gc-batches";
        var names = UserObjectNames.For(id);
        var user = cluster.User(id);
        var first = await SaveWithSummaryAsync(cluster, user, id, "first");
        var second = await SaveWithSummaryAsync(cluster, user, id, "second");
        await user.CheckpointAsync();
        var kept = await SaveWithSummaryAsync(cluster, user, id, "kept");
        await user.CheckpointAsync();
        Assert.Equal(2, await CountAsync(cluster.Store, names, "sum-"));

        // The first batch's messages go; the compaction drops the batch and retires it, the checkpoint after deletes it.
        await ExpungeAsync(user, first.Result, second.Result);
        await user.CheckpointAsync();
        Assert.Equal(2, await CountAsync(cluster.Store, names, "sum-"));
        Assert.InRange((await user.VerifyAsync()).RetiredIndexObjects, 1, 10);
        await TouchAndCheckpointAsync(user, kept.Result);
        Assert.Equal(1, await CountAsync(cluster.Store, names, "sum-"));

        var report = await user.VerifyAsync();
        Assert.Empty(report.UnaccountedIndexObjects);
        Assert.Empty(report.MissingIndexObjects);
        Assert.Equal(Summary("kept"), (await user.GetSummariesAsync([kept.BodyId]))[0]);

        // And after the user leaves memory and comes back from the store.
        await user.DeactivateAsync();
        await DeleteWhenLeftAsync(cluster.CacheOf(cluster.Cluster.Silos[0].Name));
        Assert.Equal(Summary("kept"), (await MailCluster.RetryAsync(() => user.GetSummariesAsync([kept.BodyId])))[0]);
    }

    /// <summary>Deletes a silo's cache folder once the activation that was leaving stopped writing to it.</summary>
    private static async Task DeleteWhenLeftAsync(string folder)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    private const int LastStep = 20;

    [Fact]
    public async Task A_failure_at_any_step_of_a_collecting_checkpoint_removes_nothing_a_later_activation_reads_and_leaves_nothing_behind()
    {
        // Each step of the checkpoints below fails in turn, once before it reaches the store and once after (the
        // answer lost), then the user is deactivated and read back from the store alone.
        using var folder = new TempFolder();
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(folder), tune: Busy);
        var plan = cluster.PlanOf(cluster.Cluster.Silos[0]);
        var steps = 0;
        for (var step = 1; step <= LastStep; step++)
        {
            foreach (var lost in new[] { false, true })
            {
                var id = $"gc-step{step}-{(lost ? "lost" : "failed")}";
                var names = UserObjectNames.For(id);
                var user = cluster.User(id);
                var live = new List<(Guid BodyId, SaveResult Result, string Subject)>();
                for (var i = 0; i < 4; i++)
                {
                    var saved = await SaveWithSummaryAsync(cluster, user, id, "m" + i);
                    live.Add((saved.BodyId, saved.Result, "m" + i));
                    if (i % 2 == 1)
                    {
                        await user.CheckpointAsync();
                    }
                }

                // The step-th store call on this user's index or manifest fails.
                var calls = 0;
                bool Hit(string name) => Mine(name, id, names) && Interlocked.Increment(ref calls) == step;
                if (lost)
                {
                    plan.LoseAnswer = Hit;
                }
                else
                {
                    plan.Block = Hit;
                }

                await TryAsync(() => ExpungeAsync(user, live[0].Result, live[1].Result));
                live.RemoveRange(0, 2);
                var late = await TryAsync(() => SaveWithSummaryAsync(cluster, user, id, "late"));
                await TryAsync(user.CheckpointAsync);
                await TryAsync(() => TouchAndCheckpointAsync(user, live[0].Result));
                await TryAsync(() => TouchAndCheckpointAsync(user, live[0].Result));
                steps = Math.Max(steps, calls);
                plan.Block = null;
                plan.LoseAnswer = null;
                if (late is { } delivered)
                {
                    live.Add((delivered.BodyId, delivered.Result, "late"));
                }

                await MailCluster.RetryAsync(async () =>
                {
                    await user.DeactivateAsync();
                    return true;
                });

                // Two more checkpoints on a fresh activation: what the failure retired is deleted by then.
                var fresh = await MailCluster.RetryAsync(() => user.GetSummariesAsync([.. live.Select(l => l.BodyId)]));
                await TouchAndCheckpointAsync(user, live[0].Result);
                await TouchAndCheckpointAsync(user, live[0].Result);
                var report = await user.VerifyAsync();
                Assert.True(report.MissingIndexObjects.Length == 0, $"step {step}, lost {lost}: missing {string.Join(", ", report.MissingIndexObjects)}");
                Assert.True(report.UnaccountedIndexObjects.Length == 0, $"step {step}, lost {lost}: left behind {string.Join(", ", report.UnaccountedIndexObjects)}");
                Assert.Empty(report.MissingBodies);
                var listing = await TestMessages.ListingAsync(user);
                Assert.Equal(live.Select(l => l.BodyId).Order(), listing.Select(l => l.Body).Order());
                var summaries = await user.GetSummariesAsync([.. live.Select(l => l.BodyId)]);
                for (var i = 0; i < live.Count; i++)
                {
                    // Every summary was given before the user left, so each is read from a batch that is still there.
                    Assert.True(fresh[i] is not null && fresh[i]!.SequenceEqual(Summary(live[i].Subject)), $"step {step}, lost {lost}: the summary of {live[i].Subject} after the failure");
                    Assert.True(summaries[i] is not null && summaries[i]!.SequenceEqual(Summary(live[i].Subject)), $"step {step}, lost {lost}: the summary of {live[i].Subject} after two more checkpoints");
                }
            }
        }

        // The loop reached past the last store call of those checkpoints: every step was tried.
        Assert.InRange(steps, 10, LastStep - 1);
    }

    private static bool Mine(string name, string id, UserObjectNames names) =>
        name.StartsWith(names.IndexPrefix, StringComparison.Ordinal) || (name.StartsWith("grainstate/", StringComparison.Ordinal) && name.Contains(id, StringComparison.Ordinal));

    private static byte[] Summary(string subject) => Encoding.UTF8.GetBytes("summary of " + subject);

    private static async Task<(Guid BodyId, SaveResult Result)> SaveWithSummaryAsync(MailCluster cluster, IUserGrain user, string id, string subject)
    {
        var saved = await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", subject);
        await user.PutSummaryAsync(saved.BodyId, Summary(subject));
        return saved;
    }

    private static async Task ExpungeAsync(IUserGrain user, params SaveResult[] saved)
    {
        var uids = UidSet.FromRanges(saved.Select(s => (s.Uid, s.Uid)));
        await user.StoreFlagsAsync(saved[0].MailboxId, uids, FlagOperation.Add, MessageFlags.Deleted, []);
        await user.ExpungeAsync(saved[0].MailboxId, uids);
    }

    /// <summary>A change, so the checkpoint has something to publish (one with nothing pending writes nothing).</summary>
    private static async Task TouchAndCheckpointAsync(IUserGrain user, SaveResult saved)
    {
        var flagged = await user.FetchAsync(saved.MailboxId, UidSet.Of(saved.Uid));
        var op = flagged.Length > 0 && flagged[0].Flags.HasFlag(MessageFlags.Flagged) ? FlagOperation.Remove : FlagOperation.Add;
        await user.StoreFlagsAsync(saved.MailboxId, UidSet.Of(saved.Uid), op, MessageFlags.Flagged, []);
        await user.CheckpointAsync();
    }

    private static async Task<int> CountAsync(IObjectStore store, UserObjectNames names, string kind) =>
        await store.ListAllAsync(names.IndexPrefix).CountAsync(e => e.Name[names.IndexPrefix.Length..].StartsWith(kind, StringComparison.Ordinal));

    private static async Task TryAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception e) when (MailCluster.IsTransient(e))
        {
            // The injected failure: what it interrupted is retried by the next checkpoint or activation.
        }
    }

    private static async Task<T?> TryAsync<T>(Func<Task<T>> call)
        where T : struct
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (MailCluster.IsTransient(e))
        {
            return null;
        }
    }

}

/// <summary>History GC where a node dies instead of failing a call: its journal returns after the successor collected.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HistoryGcAcrossFailoverTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_copy_the_dead_node_made_outlives_the_batch_the_successor_collected_and_its_summary_is_cached_again()
    {
        // The dead node copied a message to Archive; the successor, not knowing, expunged every message of the
        // summary batch and collected the batch. The merge brings the copy back, naming a batch that is gone: its
        // summary is rebuilt once and batched again, and verify says so until then.
        const string id = "gc-failover";
        var storage = await StoreSetup.AzureAsync(azurite.Server, _folder);
        await using var cluster = await MailCluster.StartAsync(storage, silos: 2, tune: o =>
        {
            // Compactions far enough apart that the dead node's checkpoint is still kept history when it returns, so
            // its journal is merged three-way (a salvaged one files its records without batches anyway).
            o.CompactionSegments = 2;
            o.SummaryBatchBytes = 0;
            o.GarbageGracePeriod = TimeSpan.FromDays(1); // the copied body stays: this is about its summary
        });
        var user = cluster.User(id);
        var (copied, _) = await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "copied");
        var (other, _) = await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "other");
        await user.PutSummaryAsync(copied, [1, 2, 3]);
        await user.PutSummaryAsync(other, [4, 5, 6]);
        await user.CheckpointAsync();
        var inbox = await user.GetMailboxAsync("INBOX");
        var archive = await user.CreateMailboxAsync("Archive");
        await user.CopyAsync(inbox.Id, UidSet.Of(1), archive.Id, move: false);
        var dead = await cluster.KillSiloOfAsync(id);

        // The successor knows INBOX's two messages only, deletes both, and its compactions collect their batch.
        inbox = await MailCluster.RetryAsync(() => user.GetMailboxAsync("INBOX"));
        await user.StoreFlagsAsync(inbox.Id, UidSet.Range(1, 2), FlagOperation.Add, MessageFlags.Deleted, []);
        await user.ExpungeAsync(inbox.Id);
        await user.CheckpointAsync();
        await user.SetSubscriptionAsync("INBOX", true);
        await user.CheckpointAsync();
        await user.SetSubscriptionAsync("INBOX", false);
        await user.CheckpointAsync();
        var names = UserObjectNames.For(id);
        Assert.Equal(0, await cluster.Store.ListAllAsync(names.IndexPrefix).CountAsync(e => e.Name.Contains("/sum-", StringComparison.Ordinal)));

        await cluster.ReturnAsync(dead);
        await MailCluster.EventuallyAsync(async () => (await TestMessages.ListingAsync(user)).Any(r => r.Mailbox == "Archive"));
        Assert.Equal(copied, (await TestMessages.ListingAsync(user)).Single().Body);
        Assert.Single((await user.VerifyAsync()).MissingIndexObjects);

        // A reader finds no summary, rebuilds it from the body and gives it back; it is batched again.
        Assert.Null((await user.GetSummariesAsync([copied]))[0]);
        await user.PutSummaryAsync(copied, [1, 2, 3]);
        await user.CheckpointAsync();
        await user.SetSubscriptionAsync("Archive", true);
        await user.CheckpointAsync();
        await user.SetSubscriptionAsync("Archive", false);
        await user.CheckpointAsync();
        Assert.Equal([1, 2, 3], (await user.GetSummariesAsync([copied]))[0]);
        var report = await user.VerifyAsync();
        Assert.Empty(report.MissingIndexObjects);
        Assert.Empty(report.UnaccountedIndexObjects);
    }
}
