using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>The protocol-neutral grain API as IMAP and LMTP will use it, on the embedded (file-system) store.</summary>
public sealed class UserGrainApiTests : EmbeddedClusterTest
{

    [Fact]
    public async Task Mailboxes_are_created_renamed_deleted_and_special_use_ones_appear_on_first_use()
    {
        var user = Cluster.User("api-boxes");
        var inbox = await user.GetMailboxAsync("inbox");
        Assert.Equal("INBOX", inbox.Name);
        var sent = await user.GetMailboxAsync("Sent");
        Assert.Equal(SpecialUse.Sent, sent.SpecialUse);
        await Assert.ThrowsAsync<MailStoreException>(() => user.GetMailboxAsync("Nope"));

        var deep = await user.CreateMailboxAsync("Work/2026/Q4");
        var names = (await user.ListMailboxesAsync()).Select(m => m.Name).ToList();
        Assert.Contains("Work", names);
        Assert.Contains("Work/2026", names);
        var dup = await Assert.ThrowsAsync<MailStoreException>(() => user.CreateMailboxAsync("Work"));
        Assert.Equal(MailStoreErrorKind.AlreadyExists, dup.Kind);
        var bad = await Assert.ThrowsAsync<MailStoreException>(() => user.CreateMailboxAsync("a//b"));
        Assert.Equal(MailStoreErrorKind.Invalid, bad.Kind);

        await user.RenameMailboxAsync("Work", "Job");
        names = (await user.ListMailboxesAsync()).Select(m => m.Name).ToList();
        Assert.Contains("Job/2026/Q4", names);
        Assert.DoesNotContain("Work/2026/Q4", names);
        Assert.Equal(deep.Id, (await user.GetMailboxAsync("Job/2026/Q4")).Id);

        await user.SetSubscriptionAsync("Job", true);
        Assert.True((await user.GetMailboxAsync("Job")).Subscribed);
        await user.DeleteMailboxAsync("Job/2026/Q4");
        await Assert.ThrowsAsync<MailStoreException>(() => user.GetMailboxAsync("Job/2026/Q4"));
        var inboxDelete = await Assert.ThrowsAsync<MailStoreException>(() => user.DeleteMailboxAsync("INBOX"));
        Assert.Equal(MailStoreErrorKind.Invalid, inboxDelete.Kind);

        // A recreated mailbox gets a UIDVALIDITY above every earlier one.
        var again = await user.CreateMailboxAsync("Job/2026/Q4");
        Assert.True(again.UidValidity > deep.UidValidity);
    }

    [Fact]
    public async Task Messages_are_saved_idempotently_flagged_copied_moved_and_expunged()
    {
        const string id = "api-msgs";
        var user = Cluster.User(id);
        var (body, first) = await TestMessages.SaveAsync(Cluster.Store, user, id, "INBOX", "one");
        var (_, second) = await TestMessages.SaveAsync(Cluster.Store, user, id, "INBOX", "two", MessageFlags.Seen);
        Assert.Equal(first.Uid + 1, second.Uid);
        Assert.True(second.ModSeq > first.ModSeq);

        var again = await user.SaveAsync(new SaveRequest(body, first.MailboxId, null, MessageFlags.None, [], 0, 10, null));
        Assert.True(again.AlreadyIndexed);
        Assert.Equal(first.Uid, again.Uid);

        var stored = await user.StoreFlagsAsync(first.MailboxId, UidSet.Of(first.Uid, second.Uid), FlagOperation.Add, MessageFlags.Flagged, ["todo"]);
        Assert.Equal(2, stored.Changed.Length);
        Assert.All(stored.Changed, v => Assert.True(v.Flags.HasFlag(MessageFlags.Flagged)));
        var modSeqAfterStore = stored.HighestModSeq;

        // UNCHANGEDSINCE refuses a message changed after the given modseq (RFC 7162 §3.1.3).
        var guarded = await user.StoreFlagsAsync(first.MailboxId, UidSet.Of(first.Uid), FlagOperation.Replace, MessageFlags.None, [], unchangedSince: first.ModSeq);
        Assert.Empty(guarded.Changed);
        Assert.Equal(UidSet.Of(first.Uid), guarded.Modified);

        var archive = await user.GetMailboxAsync("Archive");
        var copy = await user.CopyAsync(first.MailboxId, UidSet.Of(first.Uid), archive.Id, move: false);
        Assert.Equal([first.Uid], copy.SourceUids);
        var moved = await user.CopyAsync(first.MailboxId, UidSet.Of(second.Uid), archive.Id, move: true);
        Assert.Equal(UidSet.Of(second.Uid), moved.Expunged);
        var archived = await user.FetchAsync(archive.Id, UidSet.Range(1, uint.MaxValue));
        Assert.Equal(2, archived.Length);
        Assert.All(archived, v => Assert.True(v.Flags.HasFlag(MessageFlags.Flagged)));

        var changes = await user.GetChangesAsync(first.MailboxId, modSeqAfterStore);
        Assert.Contains(second.Uid, changes.Vanished);
        Assert.True(changes.VanishedComplete);

        await user.StoreFlagsAsync(first.MailboxId, UidSet.Of(first.Uid), FlagOperation.Add, MessageFlags.Deleted, []);
        var expunged = await user.ExpungeAsync(first.MailboxId);
        Assert.Equal(UidSet.Of(first.Uid), expunged.Expunged);
        Assert.Empty(await user.FetchAsync(first.MailboxId, UidSet.Range(1, uint.MaxValue)));
        var stats = await user.GetStatsAsync();
        Assert.Equal(2, stats.Messages);
        Assert.Equal(0, stats.Tombstones); // the copy in Archive still references the body
    }

    [Fact]
    public async Task Observers_hear_of_changes_after_they_are_persisted()
    {
        const string id = "api-observe";
        var user = Cluster.User(id);
        var listener = new RecordingObserver();
        var reference = Cluster.Client.CreateObjectReference<IMailboxObserver>(listener);
        await user.SubscribeAsync(reference);
        var (_, saved) = await TestMessages.SaveAsync(Cluster.Store, user, id, "INBOX", "hello");
        var change = await listener.WaitForAsync(c => c.UidNext > saved.Uid).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(saved.MailboxId, change.MailboxId);
        Assert.True(change.UidNext > saved.Uid);
        Assert.Equal((await user.GetStatsAsync()).ActivationId, change.Epoch);
    }

    [Fact]
    public async Task Summaries_are_kept_outside_the_index_and_loaded_on_demand_after_a_checkpoint()
    {
        const string id = "api-summary";
        var user = Cluster.User(id);
        var inbox = await user.GetMailboxAsync("INBOX");
        var body = Identity.BodyIds.New(DateTimeOffset.UtcNow);
        await user.SaveAsync(new SaveRequest(body, inbox.Id, null, MessageFlags.None, [], 0, 10, [1, 2, 3]));
        Assert.Equal([1, 2, 3], (await user.GetSummariesAsync([body]))[0]);
        await user.DeactivateAsync();
        Assert.Equal([1, 2, 3], (await user.GetSummariesAsync([body]))[0]);
        Assert.Null((await user.GetSummariesAsync([Guid.NewGuid()]))[0]);
    }

    [Fact]
    public async Task Quota_limits_set_on_the_grain_replace_the_callers_survive_reactivation_and_can_be_removed()
    {
        const string id = "api-quota-override";
        var user = Cluster.User(id);
        await TestMessages.SaveAsync(Cluster.Store, user, id, "INBOX", "first");
        await user.SetQuotaLimitsAsync(new QuotaLimits(Messages: 1));
        await user.DeactivateAsync();

        Assert.Equal(new QuotaLimits(Messages: 1), (await user.GetQuotaUsageAsync()).Override);
        var refused = await Assert.ThrowsAsync<MailStoreException>(() => TestMessages.SaveAsync(Cluster.Store, user, id, "INBOX", "second"));
        Assert.Equal(MailStoreErrorKind.OverQuota, refused.Kind);

        await user.SetQuotaLimitsAsync(null);
        Assert.Null((await user.GetQuotaUsageAsync()).Override);
        await TestMessages.SaveAsync(Cluster.Store, user, id, "INBOX", "second");
        var counts = await user.RecountQuotaAsync();
        Assert.Equal(counts[0], counts[1]);
        Assert.Equal(2, counts[1].Messages);
    }

    [Fact]
    public async Task Names_subscriptions_and_annotations_are_told_to_the_owners_sessions_only_and_name_their_origin()
    {
        const string id = "api-account-changes";
        var user = Cluster.User(id);
        var owners = new RecordingObserver();
        var readers = new RecordingObserver();
        await user.SubscribeAsync(Cluster.Client.CreateObjectReference<IMailboxObserver>(owners));
        await user.CreateMailboxAsync("Team");
        await user.SetAclAsync("Team", "api-account-reader", MailboxRights.Lookup | MailboxRights.Read);
        try
        {
            MailAccessor.ActAs("api-account-reader");
            await user.SubscribeAsync(Cluster.Client.CreateObjectReference<IMailboxObserver>(readers));
        }
        finally
        {
            MailAccessor.ActAs(null);
        }

        var session = Guid.NewGuid();
        try
        {
            ChangeOrigin.Set(session);
            await user.RenameMailboxAsync("Team", "Crew");
        }
        finally
        {
            ChangeOrigin.Set(null);
        }

        await user.SetSubscriptionAsync("Crew", true);
        await user.SetMetadataAsync("Crew", [new MetadataEntry("/private/comment", "ours"u8.ToArray())]);
        await user.DeleteMailboxAsync("Crew");

        var deleted = await owners.WaitForAccountAsync(c => c.Kind == AccountChangeKind.MailboxDeleted).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("Crew", deleted.Name);
        Assert.True(deleted.Subscribed);
        var renamed = await owners.WaitForAccountAsync(c => c.Kind == AccountChangeKind.MailboxRenamed);
        Assert.Equal(("Crew", "Team", session), (renamed.Name, renamed.OldName, renamed.Origin));
        var annotated = await owners.WaitForAccountAsync(c => c.Kind == AccountChangeKind.MetadataChanged);
        Assert.Equal(("Crew", "/private/comment", Guid.Empty), (annotated.Name, annotated.Entry, annotated.Origin));
        Assert.Contains(owners.AccountChanges, c => c.Kind == AccountChangeKind.MailboxCreated && c.Name == "Team");
        Assert.Contains(owners.AccountChanges, c => c.Kind == AccountChangeKind.SubscriptionChanged && c.Name == "Crew" && c.Subscribed);

        // The access list is an attribute, not an annotation; and a reader of a shared mailbox learns no names.
        Assert.DoesNotContain(owners.AccountChanges, c => c.Kind == AccountChangeKind.MetadataChanged && !c.Entry!.StartsWith('/'));
        await readers.WaitForAsync(c => c.MailboxId != Guid.Empty).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(readers.AccountChanges);
    }

    private sealed class RecordingObserver : IMailboxObserver
    {
        private readonly List<MailboxChange> _seen = [];
        private readonly List<AccountChange> _accountChanges = [];

        public List<AccountChange> AccountChanges
        {
            get
            {
                lock (_accountChanges)
                {
                    return [.. _accountChanges];
                }
            }
        }

        public async Task<AccountChange> WaitForAccountAsync(Func<AccountChange, bool> match)
        {
            while (true)
            {
                if (AccountChanges.FirstOrDefault(match) is { } hit)
                {
                    return hit;
                }

                await Task.Delay(20);
            }
        }

        public Task OnAccountChangedAsync(AccountChange[] changes)
        {
            lock (_accountChanges)
            {
                _accountChanges.AddRange(changes);
            }

            return Task.CompletedTask;
        }

        public async Task<MailboxChange> WaitForAsync(Func<MailboxChange, bool> match)
        {
            while (true)
            {
                lock (_seen)
                {
                    var hit = _seen.FirstOrDefault(match);
                    if (hit is not null)
                    {
                        return hit;
                    }
                }

                await Task.Delay(20);
            }
        }

        public Task OnMailboxChangedAsync(MailboxChange change)
        {
            lock (_seen)
            {
                _seen.Add(change);
            }

            return Task.CompletedTask;
        }
    }
}
