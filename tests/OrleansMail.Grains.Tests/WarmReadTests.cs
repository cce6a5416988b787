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
        var cold = cluster.Operations.ToDictionary(o => o.Key, o => o.Value);
        await SelectAndFetchAsync(user, bodies);
        Assert.Contains(cluster.Operations, o => o.Key.StartsWith("read ", StringComparison.Ordinal) && o.Value > cold.GetValueOrDefault(o.Key));
        var before = cluster.Operations.ToDictionary(o => o.Key, o => o.Value);
        await SelectAndFetchAsync(user, bodies);
        await SelectAndFetchAsync(user, bodies);
        var issued = cluster.Operations.Where(o => o.Value != before.GetValueOrDefault(o.Key)).Select(o => $"{o.Key} ×{o.Value - before.GetValueOrDefault(o.Key)}").ToList();
        Assert.True(issued.Count == 0, "a warm SELECT and FETCH issued " + string.Join(", ", issued));
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
