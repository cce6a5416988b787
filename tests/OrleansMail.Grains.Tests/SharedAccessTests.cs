using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>A user's grain called for someone else (RFC 4314): only what the mailbox's list grants, and nothing beyond the methods a shared mailbox needs.</summary>
public sealed class SharedAccessTests : EmbeddedClusterTest
{
    [Fact]
    public async Task Another_user_reaches_only_what_the_list_grants_and_no_method_beyond_a_shared_mailboxs()
    {
        const string owner = "acl-owner";
        var user = Cluster.User(owner);
        var (body, saved) = await TestMessages.SaveAsync(Cluster.Store, user, owner, "INBOX", "private");
        var team = await user.CreateMailboxAsync("Team");
        await user.SetAclAsync("Team", "reader", MailboxRights.Lookup | MailboxRights.Read);

        try
        {
            MailAccessor.ActAs("reader");
            Assert.Equal(["Team"], (await user.ListMailboxesAsync()).Select(m => m.Name));
            Assert.Empty(await user.FetchAsync(team.Id, UidSet.Range(1, 10)));
            Assert.Equal(MailboxRights.Lookup | MailboxRights.Read, await user.GetMyRightsAsync("Team"));
            await AssertRefused(MailStoreErrorKind.NotFound, () => user.FetchAsync(saved.MailboxId, UidSet.Of(saved.Uid)));
            Assert.Equal(0, await user.CountUnseenAsync(team.Id, UidSet.Empty));
            await AssertRefused(MailStoreErrorKind.NotFound, () => user.CountUnseenAsync(saved.MailboxId, UidSet.Empty));
            await AssertRefused(MailStoreErrorKind.NotFound, () => user.GetMailboxAsync("INBOX"));
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.GetSummariesAsync([body]));
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.StoreFlagsAsync(team.Id, UidSet.Of(1), FlagOperation.Add, MessageFlags.Flagged, []));
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.SetAclAsync("Team", "reader", MailboxRights.All));

            // Everything that is not about a shared mailbox's messages is the owner's alone.
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.CreateMailboxAsync("Mine"));
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.DeleteMailboxAsync("Team"));
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.ListSubscriptionsAsync());
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.GetMetadataAsync(""));
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.GetQuotaUsageAsync());
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.SetQuotaLimitsAsync(QuotaLimits.None));
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.RecountQuotaAsync());
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.VerifyAsync());
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.DeactivateAsync());
            await AssertRefused(MailStoreErrorKind.NoPermission, () => user.ListSharedByAsync());
        }
        finally
        {
            MailAccessor.ActAs(null);
        }

        // What the reader may read follows the list at once, summaries included (they are answered from a cache).
        var (teamBody, _) = await TestMessages.SaveAsync(Cluster.Store, user, owner, "Team", "for the team");
        await ActingAsAsync("reader", () => user.GetSummariesAsync([teamBody]));
        await user.SetAclAsync("Team", "reader", null);
        await ActingAsAsync("reader", () => AssertRefused(MailStoreErrorKind.NoPermission, () => user.GetSummariesAsync([teamBody])));

        // The owner, and calls on no one's behalf, keep everything.
        Assert.Equal(2, (await user.ListMailboxesAsync()).Length);
        Assert.Single(await user.FetchAsync(saved.MailboxId, UidSet.Of(saved.Uid)));
    }

    [Fact]
    public async Task A_readers_own_seen_set_is_bounded_in_ranges_and_merging_ranges_is_always_allowed()
    {
        // Undefended: every change journals the whole set, so one split into every other UID of a large mailbox
        // made each STORE write megabytes.
        var reader = Cluster.User("seen-reader");
        var mailbox = Guid.NewGuid();
        var everyOther = UidSet.FromRanges(Enumerable.Range(0, Index.Model.PrivateSeen.MaxRanges).Select(i => ((uint)(2 * i) + 1, (uint)(2 * i) + 1)));
        Assert.Equal(Index.Model.PrivateSeen.MaxRanges, (await reader.SetPrivateSeenAsync("owner", mailbox, 7, everyOther, seen: true)).Ranges.Count);
        await AssertRefused(MailStoreErrorKind.Limit, () => reader.SetPrivateSeenAsync("owner", mailbox, 7, UidSet.Of(1_000_001), seen: true));
        var joined = await reader.SetPrivateSeenAsync("owner", mailbox, 7, UidSet.Range(1, 100), seen: true);
        Assert.True(joined.Ranges.Count < Index.Model.PrivateSeen.MaxRanges);
    }

    private static async Task ActingAsAsync(string accessor, Func<Task> call)
    {
        MailAccessor.ActAs(accessor);
        try
        {
            await call();
        }
        finally
        {
            MailAccessor.ActAs(null);
        }
    }

    private static async Task AssertRefused(MailStoreErrorKind kind, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<MailStoreException>(call);
        Assert.Equal(kind, e.Kind);
    }
}
