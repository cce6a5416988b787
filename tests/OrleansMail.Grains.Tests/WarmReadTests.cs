using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>
/// What an active user serves from memory costs no store operation (docs/benchmarks.md, "The object-store bill"):
/// a client's SELECT and FETCH of cached items, repeated as clients repeat them, read nothing from the store.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WarmReadTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_warm_select_and_fetch_of_cached_items_issue_no_store_operations()
    {
        const string id = "warm";
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder));
        var user = cluster.User(id);
        var inbox = await user.GetMailboxAsync("INBOX");
        var bodies = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var body = Identity.BodyIds.New(DateTimeOffset.UtcNow);
            await user.SaveAsync(new SaveRequest(body, inbox.Id, null, MessageFlags.None, [], 0, 10, [(byte)i]));
            bodies.Add(body);
        }

        // The summaries go to a batch object at the checkpoint; the next activation loads them on first use.
        await user.DeactivateAsync();
        await FullTextSettledAsync(user);
        var cold = cluster.Operations.ToDictionary(o => o.Key, o => o.Value);
        await SelectAndFetchAsync(user, bodies);
        Assert.Contains(cluster.Operations, o => o.Key.StartsWith("read ", StringComparison.Ordinal) && o.Value > cold.GetValueOrDefault(o.Key));
        var before = cluster.Operations.ToDictionary(o => o.Key, o => o.Value);
        await SelectAndFetchAsync(user, bodies);
        await SelectAndFetchAsync(user, bodies);
        var issued = cluster.Operations.Where(o => o.Value != before.GetValueOrDefault(o.Key)).Select(o => $"{o.Key} ×{o.Value - before.GetValueOrDefault(o.Key)}").ToList();
        Assert.True(issued.Count == 0, "a warm SELECT and FETCH issued " + string.Join(", ", issued));
    }

    [Fact]
    public async Task A_checkpoint_after_one_delivery_writes_its_segment_and_the_manifest_and_nothing_more()
    {
        // Undefended: every checkpoint that followed a delivery also wrote a summary batch of one summary.
        const string id = "onecheckpoint";
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder));
        var user = cluster.User(id);
        var inbox = await user.GetMailboxAsync("INBOX");
        await user.CheckpointAsync();
        var body = Identity.BodyIds.New(DateTimeOffset.UtcNow);
        await user.SaveAsync(new SaveRequest(body, inbox.Id, null, MessageFlags.None, [], 0, 10, [7, 7, 7]));
        await FullTextSettledAsync(user);
        var before = cluster.Operations.ToDictionary(o => o.Key, o => o.Value);
        await user.CheckpointAsync();
        // The lease's renewal timer runs beside the checkpoint; its writes are another figure (IdleLeaseTests).
        var writes = cluster.Operations.Where(o => !o.Key.StartsWith("read", StringComparison.Ordinal) && !o.Key.StartsWith("head", StringComparison.Ordinal) && !o.Key.StartsWith("list", StringComparison.Ordinal) && !o.Key.EndsWith("/lease", StringComparison.Ordinal))
            .Select(o => (o.Key, Count: o.Value - before.GetValueOrDefault(o.Key))).Where(o => o.Count > 0).ToList();
        Assert.Single(writes, w => w.Key.Contains("/index/log-", StringComparison.Ordinal));
        Assert.DoesNotContain(writes, w => w.Key.Contains("/index/sum-", StringComparison.Ordinal));
        Assert.True(2 == writes.Sum(w => w.Count), string.Join(", ", writes)); // the segment and the manifest

        // Leaving, the user writes what summaries it holds; the next activation reads them from the store.
        await user.DeactivateAsync();
        Assert.Equal([7, 7, 7], (await user.GetSummariesAsync([body]))[0]);
        Assert.Contains(cluster.Operations, o => o.Key.StartsWith("create ", StringComparison.Ordinal) && o.Key.Contains("/index/sum-", StringComparison.Ordinal));
    }

    /// <summary>
    /// Waits until the activation's full-text index is loaded and has tried every body it lacks (these bodies were
    /// never stored): that is activation work of its own (docs/architecture.md, "Full-text search"), not a warm read.
    /// </summary>
    private static async Task FullTextSettledAsync(IUserGrain user)
    {
        await MailCluster.EventuallyAsync(async () => await MailCluster.RetryAsync(user.GetFullTextStatusAsync) is { LoadedFrom: not "nothing yet", Waiting: 0, Filling: false });
    }

    /// <summary>What the IMAP session asks the grain for on SELECT and on FETCH (FLAGS ENVELOPE BODYSTRUCTURE).</summary>
    private static async Task SelectAndFetchAsync(IUserGrain user, List<Guid> bodies)
    {
        var inbox = await user.GetMailboxAsync("INBOX");
        await user.ClaimRecentAsync(inbox.Id, inbox.UidNext - 1);
        var views = await user.FetchAsync(inbox.Id, UidSet.Range(1, uint.MaxValue));
        Assert.Equal(3, views.Length);
        var summaries = await user.GetSummariesAsync([.. bodies]);
        Assert.All(summaries, Assert.NotNull);
    }
}
