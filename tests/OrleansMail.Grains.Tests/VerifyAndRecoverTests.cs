using OrleansMail.Grains.Storage;
using OrleansMail.Identity;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>`verify` reports index against store without touching anything; `recover` indexes what is stored but unknown.</summary>
public sealed class VerifyAndRecoverTests : EmbeddedClusterTest
{
    [Fact]
    public async Task Verify_finds_missing_and_unindexed_bodies_and_recover_indexes_the_unindexed_once()
    {
        const string id = "verify";
        var names = UserObjectNames.For(id);
        var user = Cluster.User(id);
        var (kept, _) = await TestMessages.SaveAsync(Cluster.Store, user, id, "INBOX", "kept");
        var (lost, _) = await TestMessages.SaveAsync(Cluster.Store, user, id, "INBOX", "lost");
        await Cluster.Store.DeleteAsync(names.Body(lost));

        // A body whose delivery never reached the grain (the sender got a 4xx).
        var inbox = await user.GetMailboxAsync("INBOX");
        var stray = BodyIds.New(DateTimeOffset.UtcNow);
        var bytes = TestMessages.Rfc822("stray", "stray@test");
        await Cluster.Store.CreateAsync(names.Body(stray), bytes, BodyMetadata.Create(inbox.Id, MessageFlags.Seen, [], 0, bytes.Length, "x"));

        var report = await user.VerifyAsync();
        Assert.Equal(2, report.Records);
        Assert.Equal(2, report.Bodies);
        Assert.Equal([lost], report.MissingBodies);
        Assert.Equal([stray], report.UnindexedBodies);
        Assert.NotNull(await Cluster.Store.GetPropertiesAsync(names.Body(stray))); // it reports, never deletes

        Assert.Equal(1, await user.RecoverNowAsync());
        Assert.Equal(0, await user.RecoverNowAsync());
        var listing = await TestMessages.ListingAsync(user);
        Assert.Contains(listing, r => r.Body == stray && r.Flags == MessageFlags.Seen);
        Assert.Contains(listing, r => r.Body == kept);
        Assert.Empty((await user.VerifyAsync()).UnindexedBodies);
    }
}
