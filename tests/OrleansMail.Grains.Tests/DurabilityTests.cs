using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.ObjectStore.Leases;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>docs/architecture.md's promises under the abnormal cases, on multi-silo clusters over Azurite.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DurabilityTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_thousand_messages_survive_deactivation_and_reactivation_on_another_silo_identically()
    {
        const string id = "many";
        var storage = await StoreSetup.AzureAsync(azurite.Server, _folder);
        await using var cluster = await MailCluster.StartAsync(storage, silos: 2);
        var user = cluster.User(id);
        string[] boxes = ["INBOX", "Work", "Lists/dev", "Archive"];
        foreach (var b in boxes.Skip(1))
        {
            await user.CreateMailboxAsync(b);
        }

        var saves = Enumerable.Range(0, 1000).Select(i => (Box: boxes[i % boxes.Length], Subject: "m" + i)).ToList();
        foreach (var chunk in saves.Chunk(20))
        {
            await Task.WhenAll(chunk.Select(s => TestMessages.SaveAsync(cluster.Store, user, id, s.Box, s.Subject)));
        }

        var inbox = await user.GetMailboxAsync("INBOX");
        await user.StoreFlagsAsync(inbox.Id, UidSet.Range(1, 100), FlagOperation.Add, MessageFlags.Seen | MessageFlags.Deleted, ["$Forwarded"]);
        await user.ExpungeAsync(inbox.Id, UidSet.Range(1, 50));
        var before = await TestMessages.ListingAsync(user);
        Assert.Equal(950, before.Count);

        var first = await cluster.SiloOfAsync(id);
        await user.DeactivateAsync();
        await cluster.Cluster.StopSiloAsync(first);
        var after = await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user));
        var stats = await user.GetStatsAsync();
        Assert.NotEqual(first.SiloAddress.ToString(), stats.Silo);
        Assert.Equal("store", stats.LoadedFrom);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Reactivation_on_the_same_silo_loads_the_local_cache_instead_of_the_store()
    {
        const string id = "local";
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder), silos: 1);
        var user = cluster.User(id);
        for (var i = 0; i < 20; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "m" + i);
        }

        var before = await TestMessages.ListingAsync(user);
        await user.DeactivateAsync();
        var after = await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user));
        Assert.Equal("local", (await user.GetStatsAsync()).LoadedFrom);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_killed_silo_loses_no_message_and_its_returning_journal_brings_back_the_flags()
    {
        const string id = "crash";
        var storage = await StoreSetup.AzureAsync(azurite.Server, _folder);
        await using var cluster = await MailCluster.StartAsync(storage, silos: 2);
        var user = cluster.User(id);
        for (var i = 0; i < 50; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "early" + i);
        }

        await user.CheckpointAsync();
        for (var i = 0; i < 30; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "late" + i);
        }

        var inbox = await user.GetMailboxAsync("INBOX");
        await user.StoreFlagsAsync(inbox.Id, UidSet.Range(1, 10), FlagOperation.Add, MessageFlags.Flagged, []);
        var handedOut = await TestMessages.ListingAsync(user);
        var flaggedBodies = handedOut.Where(r => r.Uid <= 10).Select(r => r.Body).ToHashSet();

        // The node dies without another word to the store (an in-process kill would still try to checkpoint).
        var dead = await cluster.KillSiloOfAsync(id);

        var recovered = await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user));
        Assert.Equal(80, recovered.Count);
        Assert.Equal(80, recovered.Select(r => r.Body).Distinct().Count());
        Assert.Equal(handedOut.Select(r => r.Body).Order(), recovered.Select(r => r.Body).Order());
        Assert.True((await user.GetMailboxAsync("INBOX")).UidNext >= inbox.UidNext + 1000, "UIDNEXT was not raised after the unclean end");
        foreach (var r in recovered)
        {
            var old = handedOut.SingleOrDefault(h => h.Uid == r.Uid);
            Assert.True(old == default || old.Body == r.Body, $"UID {r.Uid} now names another message");
        }

        Assert.All(recovered.Where(r => flaggedBodies.Contains(r.Body)), r => Assert.False(r.Flags.HasFlag(MessageFlags.Flagged)));

        // The dead node comes back with its disk: its never-checkpointed journal is uploaded and merged.
        await cluster.ReturnAsync(dead);
        await user.DeactivateAsync();
        var merged = await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user));
        Assert.Equal(80, merged.Count);
        Assert.Equal(80, merged.Select(r => r.Body).Distinct().Count());
        Assert.All(merged.Where(r => flaggedBodies.Contains(r.Body)), r => Assert.True(r.Flags.HasFlag(MessageFlags.Flagged)));
        Assert.Equal(merged.Count, merged.Select(r => r.Uid).Distinct().Count());
        foreach (var r in merged)
        {
            foreach (var earlier in new[] { handedOut, recovered })
            {
                var old = earlier.SingleOrDefault(h => h.Uid == r.Uid);
                Assert.True(old == default || old.Body == r.Body, $"UID {r.Uid} now names another message");
            }
        }
    }

    [Fact]
    public async Task A_returning_node_s_changes_reach_a_user_that_stays_active_without_a_new_activation()
    {
        // Undefended: the returned journal was merged only at the user's next activation; a user kept active by an
        // IDLE session never got it, and once the history floor passed the segment, never at all.
        const string id = "stayactive";
        var storage = await StoreSetup.AzureAsync(azurite.Server, _folder);
        await using var cluster = await MailCluster.StartAsync(storage, silos: 2);
        var user = cluster.User(id);
        for (var i = 0; i < 20; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "m" + i);
        }

        await user.CheckpointAsync();
        var inbox = await user.GetMailboxAsync("INBOX");
        await user.StoreFlagsAsync(inbox.Id, UidSet.Range(1, 5), FlagOperation.Add, MessageFlags.Flagged, []);
        var flaggedBodies = (await TestMessages.ListingAsync(user)).Where(r => r.Uid <= 5).Select(r => r.Body).ToHashSet();

        var dead = await cluster.KillSiloOfAsync(id);
        await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user));
        var successor = (await user.GetStatsAsync()).ActivationId;
        var observer = new CountingObserver();
        await user.SubscribeAsync(cluster.Client.CreateObjectReference<IMailboxObserver>(observer));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await cluster.ReturnAsync(dead);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        List<(string Mailbox, uint Uid, Guid Body, MessageFlags Flags, ulong ModSeq)> listing;
        do
        {
            await Task.Delay(200);
            listing = await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user));
        }
        while (!listing.Where(r => flaggedBodies.Contains(r.Body)).All(r => r.Flags.HasFlag(MessageFlags.Flagged)) && DateTime.UtcNow < deadline);

        Assert.All(listing.Where(r => flaggedBodies.Contains(r.Body)), r => Assert.True(r.Flags.HasFlag(MessageFlags.Flagged)));
        Assert.Equal(successor, (await user.GetStatsAsync()).ActivationId);
        Assert.True(observer.Changes > 0, "the sessions were not told of the merged changes");
        Console.WriteLine($"returned changes visible to the active user {watch.Elapsed.TotalSeconds:F1} s after the node started");
    }

    [Fact]
    public async Task A_journal_returning_after_its_bodies_were_collected_brings_back_no_record_without_a_body()
    {
        // Undefended: on the dead node the user copied X to Archive; on the successor X was deleted and its body
        // collected; the returning journal's merge kept Archive's copy, a record whose body no longer existed.
        const string id = "lategc";
        var storage = await StoreSetup.AzureAsync(azurite.Server, _folder);
        await using var cluster = await MailCluster.StartAsync(storage, silos: 2);
        var user = cluster.User(id);
        var (body, _) = await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "doomed");
        await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "kept");
        await user.CheckpointAsync();
        var inbox = await user.GetMailboxAsync("INBOX");
        var archive = await user.CreateMailboxAsync("Archive");
        await user.CopyAsync(inbox.Id, UidSet.Of(1), archive.Id, move: false);

        var dead = await cluster.KillSiloOfAsync(id);

        // On the successor: X is deleted and, the grace period being zero here, its body collected.
        inbox = await MailCluster.RetryAsync(() => user.GetMailboxAsync("INBOX"));
        var doomed = (await TestMessages.ListingAsync(user)).Single(r => r.Body == body);
        await user.StoreFlagsAsync(inbox.Id, UidSet.Of(doomed.Uid), FlagOperation.Add, MessageFlags.Deleted, []);
        await user.ExpungeAsync(inbox.Id, UidSet.Of(doomed.Uid));
        await user.CheckpointAsync();
        await user.CollectGarbageAsync();
        var names = UserObjectNames.For(id);
        Assert.Null(await cluster.Store.GetPropertiesAsync(names.Body(body)));

        // The dead node returns with its disk, long after.
        await cluster.ReturnAsync(dead);
        await MailCluster.EventuallyAsync(async () => (await MailCluster.RetryAsync(() => user.ListMailboxesAsync())).Any(m => m.Name == "Archive"));

        var listing = await TestMessages.ListingAsync(user);
        Assert.Contains((await user.ListMailboxesAsync()), m => m.Name == "Archive");
        Assert.DoesNotContain(listing, r => r.Body == body);
        foreach (var r in listing)
        {
            Assert.NotNull(await cluster.Store.GetPropertiesAsync(names.Body(r.Body)));
        }

        Assert.Single(listing);
    }

    [Fact]
    public async Task A_journal_older_than_the_kept_history_brings_its_messages_back_and_nothing_deleted()
    {
        // Undefended: the successor's checkpoints compacted history past the checkpoint the dead node's journal
        // started from; the returning segment was then neither merged nor collected, without a log line, and the
        // COPY and the filed delivery it held never came back.
        const string id = "ancient";
        var storage = await StoreSetup.AzureAsync(azurite.Server, _folder);
        await using var cluster = await MailCluster.StartAsync(storage, silos: 2, tune: o => o.CompactionSegments = 1);
        var user = cluster.User(id);
        var (original, _) = await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "original");
        await user.CheckpointAsync();

        // After the checkpoint, on the node about to die: a folder, a COPY into it, a delivery filed there, and one
        // delivery to INBOX the user then deletes on the successor.
        var inbox = await user.GetMailboxAsync("INBOX");
        var archive = await user.CreateMailboxAsync("Archive");
        await user.CopyAsync(inbox.Id, UidSet.Of(1), archive.Id, move: false);
        var (filed, _) = await TestMessages.SaveAsync(cluster.Store, user, id, "Archive", "filed");
        var (deleted, _) = await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "deleted");
        var dead = await cluster.KillSiloOfAsync(id);

        // The successor's recovery re-indexes both deliveries (Archive is unknown to it: INBOX); the user deletes
        // one; then enough checkpoints go by for the kept history to pass the dead node's base.
        inbox = await MailCluster.RetryAsync(() => user.GetMailboxAsync("INBOX"));
        var recovered = await TestMessages.ListingAsync(user);
        var doomed = recovered.Single(r => r.Body == deleted);
        await user.StoreFlagsAsync(inbox.Id, UidSet.Of(doomed.Uid), FlagOperation.Add, MessageFlags.Deleted, []);
        await user.ExpungeAsync(inbox.Id, UidSet.Of(doomed.Uid));
        for (var i = 0; i < 6; i++)
        {
            await user.StoreFlagsAsync(inbox.Id, UidSet.Of(recovered.Single(r => r.Body == original).Uid), i % 2 == 0 ? FlagOperation.Add : FlagOperation.Remove, MessageFlags.Seen, []);
            await user.CheckpointAsync();
        }

        // Compacted history is deleted, not kept for ever: three snapshots kept, the one retired last still there.
        var manifest = UserObjectNames.For(id);
        var snapshots = await cluster.Store.ListAllAsync(manifest.IndexPrefix).CountAsync(e => e.Name[manifest.IndexPrefix.Length..].StartsWith("snap-", StringComparison.Ordinal));
        Assert.InRange(snapshots, 3, 4);
        var lineage = await cluster.Store.ListAllAsync(manifest.IndexPrefix).Select(e => e.Name).ToHashSetAsync();
        await cluster.ReturnAsync(dead);
        await MailCluster.EventuallyAsync(async () => (await MailCluster.RetryAsync(() => user.ListMailboxesAsync())).Any(m => m.Name == "Archive"));

        var listing = await TestMessages.ListingAsync(user);
        Assert.Contains(listing, r => r.Mailbox == "Archive" && r.Body == original);
        Assert.DoesNotContain(listing, r => r.Body == deleted);
        Assert.Single(listing, r => r.Body == filed);
        Assert.Equal(2, listing.Count(r => r.Body == original));
        foreach (var box in listing.GroupBy(r => r.Mailbox))
        {
            Assert.Equal(box.Count(), box.Select(r => r.Uid).Distinct().Count());
        }

        foreach (var r in listing)
        {
            Assert.NotNull(await cluster.Store.GetPropertiesAsync(manifest.Body(r.Body)));
        }

        // Merged, the returned segments are history like any other: the checkpoint after the merge deletes them.
        await user.StoreFlagsAsync(inbox.Id, UidSet.Of(recovered.Single(r => r.Body == original).Uid), FlagOperation.Add, MessageFlags.Flagged, []);
        await user.CheckpointAsync();
        var live = (await user.GetStatsAsync()).ActivationId.ToString("N");
        var returned = await cluster.Store.ListAllAsync(manifest.IndexPrefix).Select(e => e.Name)
            .Where(n => n.Contains("/log-", StringComparison.Ordinal) && !lineage.Contains(n) && !n.Contains(live, StringComparison.Ordinal)).ToListAsync();
        Assert.Empty(returned);
    }

    [Fact]
    public async Task Both_sides_of_a_failure_that_each_create_Sent_make_one_mailbox_that_keeps_its_UIDVALIDITY()
    {
        // Undefended: each side's first LIST created "Sent" with its own id and clock-based UIDVALIDITY; the merge
        // renamed one "Sent-1a2b3c4d" (or, with one id, kept the higher UIDVALIDITY): either way the clients of one
        // side saw their Sent change identity, and mbsync refuses a UIDVALIDITY change of a mailbox it holds mail of.
        const string id = "twosent";
        var storage = await StoreSetup.AzureAsync(azurite.Server, _folder);
        await using var cluster = await MailCluster.StartAsync(storage, silos: 2);
        var user = cluster.User(id);
        await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "first");
        await user.CheckpointAsync();
        var onDead = await user.GetMailboxAsync("Sent");
        await TestMessages.SaveAsync(cluster.Store, user, id, "Sent", "sent-before");
        var dead = await cluster.KillSiloOfAsync(id);

        await Task.Delay(TimeSpan.FromSeconds(1.5)); // a clock-based UIDVALIDITY would differ now
        var onSuccessor = await MailCluster.RetryAsync(() => user.GetMailboxAsync("Sent"));
        await TestMessages.SaveAsync(cluster.Store, user, id, "Sent", "sent-after");
        Assert.Equal(onDead.Id, onSuccessor.Id);
        Assert.Equal(onDead.UidValidity, onSuccessor.UidValidity);

        await cluster.ReturnAsync(dead);
        await MailCluster.EventuallyAsync(async () => (await TestMessages.ListingAsync(user)).Count(r => r.Mailbox == "Sent") >= 2);

        var mailboxes = await user.ListMailboxesAsync();
        var sent = Assert.Single(mailboxes, m => m.Name.StartsWith("Sent", StringComparison.Ordinal));
        Assert.Equal(onDead.UidValidity, sent.UidValidity);
        Assert.Equal(2, (await TestMessages.ListingAsync(user)).Count(r => r.Mailbox == "Sent"));
    }

    [Fact]
    public async Task A_zombie_loses_the_manifest_race_and_the_next_activation_merges_both_sides()
    {
        const string id = "zombie";
        var storage = await StoreSetup.AzureAsync(azurite.Server, _folder);
        await using var clusterA = await MailCluster.StartAsync(storage);
        await using var clusterB = await MailCluster.StartAsync(storage);
        var a = clusterA.User(id);
        var base20 = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            base20.Add((await TestMessages.SaveAsync(storage.Store, a, id, "INBOX", "base" + i)).BodyId);
        }

        await a.CheckpointAsync();
        var inbox = await a.GetMailboxAsync("INBOX");
        var hmsBase = inbox.HighestModSeq;

        // A acknowledges more work it will never checkpoint, then loses contact with the lease.
        var fromA = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            fromA.Add((await TestMessages.SaveAsync(storage.Store, a, id, "INBOX", "a" + i)).BodyId);
        }

        await a.StoreFlagsAsync(inbox.Id, UidSet.Range(1, 3), FlagOperation.Add, MessageFlags.Answered, []);
        await a.StoreFlagsAsync(inbox.Id, UidSet.Range(4, 5), FlagOperation.Add, MessageFlags.Deleted, []);
        await a.ExpungeAsync(inbox.Id);
        var hmsA = (await a.GetMailboxAsync("INBOX")).HighestModSeq;
        clusterA.PlanOf(clusterA.Cluster.Silos[0]).Block = name => name.EndsWith("/lease", StringComparison.Ordinal);
        var names = UserObjectNames.For(id);
        while ((await UserLease.ReadAsync(storage.Store, names.Lease)).Record!.ExpiresAt > DateTimeOffset.UtcNow)
        {
            await Task.Delay(200);
        }

        // Once its lease has lapsed A acknowledges nothing more.
        var refused = await Assert.ThrowsAsync<MailStoreException>(() => a.SaveAsync(new SaveRequest(Identity.BodyIds.New(DateTimeOffset.UtcNow), inbox.Id, null, MessageFlags.None, [], 0, 1, null)));
        Assert.Equal(MailStoreErrorKind.Unavailable, refused.Kind);

        // B takes the user over and works on it.
        var b = clusterB.User(id);
        await MailCluster.RetryAsync(() => b.GetMailboxAsync("INBOX"));
        var fromB = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            fromB.Add((await TestMessages.SaveAsync(storage.Store, b, id, "INBOX", "b" + i)).BodyId);
        }

        var boxB = await b.GetMailboxAsync("INBOX");
        var viewB = await b.FetchAsync(boxB.Id, UidSet.Range(1, uint.MaxValue));
        var byBody = viewB.ToDictionary(v => v.BodyId);
        await b.StoreFlagsAsync(boxB.Id, UidSet.Of(byBody[base20[10]].Uid, byBody[base20[11]].Uid), FlagOperation.Add, MessageFlags.Flagged, []);
        await b.StoreFlagsAsync(boxB.Id, UidSet.Of(byBody[base20[12]].Uid), FlagOperation.Add, MessageFlags.Deleted, []);
        await b.ExpungeAsync(boxB.Id);
        var hmsB = (await b.GetMailboxAsync("INBOX")).HighestModSeq;

        // A's late checkpoint uploads its segment but loses the manifest race.
        var lost = await Assert.ThrowsAsync<MailStoreException>(() => a.CheckpointAsync());
        Assert.Equal(MailStoreErrorKind.Unavailable, lost.Kind);

        await b.DeactivateAsync();
        var merged = await MailCluster.RetryAsync(() => TestMessages.ListingAsync(b));
        var bodies = merged.Select(r => r.Body).ToList();
        var expected = base20.Where((_, i) => i is not (3 or 4 or 12)).Concat(fromA).Concat(fromB).ToHashSet();
        Assert.Equal(expected.Order(), bodies.Order());
        Assert.Equal(merged.Count, merged.Select(r => r.Uid).Distinct().Count());
        var flags = merged.ToDictionary(r => r.Body, r => r.Flags);
        Assert.All(base20.Take(3), body => Assert.True(flags[body].HasFlag(MessageFlags.Answered), "A's flag change was lost"));
        Assert.True(flags[base20[10]].HasFlag(MessageFlags.Flagged), "B's flag change was lost");
        Assert.True(flags[base20[11]].HasFlag(MessageFlags.Flagged), "B's flag change was lost");
        var mergedBox = await b.GetMailboxAsync("INBOX");
        Assert.True(mergedBox.HighestModSeq > Math.Max(hmsA, hmsB));
        Assert.All(merged.Where(r => fromA.Contains(r.Body) || base20.Take(3).Contains(r.Body)), r => Assert.True(r.ModSeq > Math.Max(hmsA, hmsB), "a merged change kept a modseq B's clients had passed"));
        Assert.True(hmsBase < hmsA);
    }

    [Fact]
    public async Task A_stopped_store_gives_typed_transient_errors_and_loses_nothing_acknowledged()
    {
        const string id = "outage";
        await using var privateAzurite = await AzuriteServer.StartAsync();
        var storage = await StoreSetup.AzureAsync(privateAzurite, _folder);
        await using var cluster = await MailCluster.StartAsync(storage);
        var user = cluster.User(id);
        var ingest = new MailStorage.Ingest.MessageIngest(storage.Store, cluster.Client, new MailStorage.Ingest.IngestOptions(), TimeProvider.System);
        for (var i = 0; i < 10; i++)
        {
            await using var message = await ingest.ReceiveAsync(new MemoryStream(TestMessages.Rfc822("before" + i, "b" + i + "@x")));
            await ingest.DeliverAsync(message, new MailStorage.Ingest.DeliveryTarget(id));
        }

        await privateAzurite.StopAsync();
        await using (var message = await ingest.ReceiveAsync(new MemoryStream(TestMessages.Rfc822("during", "d@x"))))
        {
            var e = await Assert.ThrowsAsync<MailStoreException>(() => ingest.DeliverAsync(message, new MailStorage.Ingest.DeliveryTarget(id)));
            Assert.Equal(MailStoreErrorKind.Unavailable, e.Kind);
        }

        var checkpoint = await Assert.ThrowsAsync<MailStoreException>(() => user.CheckpointAsync());
        Assert.Equal(MailStoreErrorKind.Unavailable, checkpoint.Kind);

        await privateAzurite.RestartAsync();
        await MailCluster.RetryAsync(async () =>
        {
            await using var message = await ingest.ReceiveAsync(new MemoryStream(TestMessages.Rfc822("after", "a@x")));
            return await ingest.DeliverAsync(message, new MailStorage.Ingest.DeliveryTarget(id));
        });
        await MailCluster.RetryAsync(async () =>
        {
            await user.DeactivateAsync();
            return true;
        });
        var listing = await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user));
        Assert.Equal(11, listing.Count);

        // Every indexed body is there; the delivery refused during the outage left nothing behind. (Attempts that
        // stored a body but were refused by the grain while its lease recovered leave unindexed bodies: never
        // acknowledged, reported by verify, indexed by the next recovery; a duplicate, never a loss.)
        var names = UserObjectNames.For(id);
        foreach (var r in listing)
        {
            Assert.NotNull(await storage.Store.GetPropertiesAsync(names.Body(r.Body)));
        }

        await foreach (var body in storage.Store.ListAllAsync(names.MessagesPrefix))
        {
            var text = System.Text.Encoding.ASCII.GetString((await storage.Store.ReadBytesAsync(body.Name))!);
            Assert.DoesNotContain("Subject: during", text, StringComparison.Ordinal);
        }
    }
}
