using OrleansMail.Grains.Cache;
using OrleansMail.Grains.Storage;
using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>
/// The local journal across a power loss, not only a killed process: whatever the grain acknowledged is on the disk
/// (synced) when the call returns, and a returning node uploads all of it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class JournalDurabilityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Every_acknowledged_change_is_synced_before_the_call_returns()
    {
        // Undefended: entries were only handed to the OS; a power loss took everything since the header.
        const string id = "powerloss";
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder), silos: 1, journalFiles: PowerLossJournalFile.Create);
        var user = cluster.User(id);
        for (var i = 0; i < 5; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "m" + i);
        }

        var inbox = await user.GetMailboxAsync("INBOX");
        await user.StoreFlagsAsync(inbox.Id, UidSet.Range(1, 3), FlagOperation.Add, MessageFlags.Flagged, []);
        await user.CopyAsync(inbox.Id, UidSet.Range(4, 5), (await user.CreateMailboxAsync("Kept")).Id, move: false);
        await user.ExpungeAsync(inbox.Id, UidSet.Range(1, 1));

        var journals = PowerLossJournalFile.All.Where(j => j.Key.Contains(id, StringComparison.Ordinal)).Select(j => j.Value).ToList();
        Assert.NotEmpty(journals);
        Assert.All(journals, j => Assert.Equal(j.Written, j.Synced));
        Assert.Contains(journals, j => j.Synced > 64);
    }

    [Fact]
    public async Task Saved_messages_the_journal_never_synced_come_back_after_a_power_loss_through_recovery()
    {
        // A save is not synced for itself: its body carries what recovery needs. This is the power loss that takes
        // such entries (a SIGKILL keeps the page cache and would not show it).
        const string id = "unsyncedsaves";
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder), silos: 2, journalFiles: PowerLossJournalFile.Create);
        var user = cluster.User(id);
        for (var i = 0; i < 10; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "early" + i);
        }

        await user.CheckpointAsync();
        for (var i = 0; i < 5; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "covered" + i);
        }

        var inbox = await user.GetMailboxAsync("INBOX");
        await user.StoreFlagsAsync(inbox.Id, UidSet.Range(11, 13), FlagOperation.Add, MessageFlags.Flagged, []);
        for (var i = 0; i < 5; i++)
        {
            await TestMessages.SaveAsync(cluster.Store, user, id, "INBOX", "unsynced" + i, MessageFlags.Answered);
        }

        var handedOut = await TestMessages.ListingAsync(user);
        var flaggedBodies = handedOut.Where(r => r.Uid is >= 11 and <= 13).Select(r => r.Body).ToHashSet();
        var journals = PowerLossJournalFile.All.Where(j => j.Key.Contains(id, StringComparison.Ordinal)).Select(j => j.Value).ToList();
        Assert.Contains(journals, j => j.Written > j.Synced);

        var dead = await cluster.KillSiloOfAsync(id);
        journals.ForEach(j => j.LosePower());

        // The successor's recovery indexes the five bodies whose entries the disk lost, with their flags at save.
        var recovered = await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user));
        Assert.Equal(handedOut.Select(r => r.Body).Order(), recovered.Select(r => r.Body).Order());
        Assert.Equal(5, recovered.Count(r => r.Flags.HasFlag(MessageFlags.Answered)));

        // The returning node's journal, cut back to what was synced, still brings back the flag change that was acknowledged.
        await cluster.ReturnAsync(dead);
        await user.DeactivateAsync();
        var merged = await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user));
        Assert.Equal(handedOut.Select(r => r.Body).Order(), merged.Select(r => r.Body).Order());
        Assert.Equal(merged.Count, merged.Select(r => r.Uid).Distinct().Count());
        Assert.All(merged.Where(r => flaggedBodies.Contains(r.Body)), r => Assert.True(r.Flags.HasFlag(MessageFlags.Flagged)));
        foreach (var r in merged)
        {
            var old = handedOut.SingleOrDefault(h => h.Uid == r.Uid);
            Assert.True(old == default || old.Body == r.Body, $"UID {r.Uid} now names another message");
        }
    }

    [Fact]
    public async Task After_a_power_loss_the_returning_node_uploads_every_synced_entry()
    {
        var cache = Path.Combine(_folder.Path, "cache", "u1");
        var header = new SegmentHeader(Guid.NewGuid(), 5, 4);
        var box = Guid.NewGuid();
        PowerLossJournalFile? file = null;
        var journal = LocalJournal.Open(cache, header, path => file = new PowerLossJournalFile(path));
        var acknowledged = new List<JournalEntry>();
        for (var i = 0; i < 3; i++)
        {
            var e = new MailboxCreated(1000 + i, Guid.NewGuid(), $"Folder{i}", SpecialUse.None, (uint)(10 + i));
            journal.Append(e);
            await journal.SyncAsync();
            acknowledged.Add(e);
        }

        journal.Append(new FlagsChanged(2000, box, 1, MessageFlags.Seen, [], 9)); // never synced: never acknowledged
        file!.LosePower();

        var store = new FileSystemObjectStore(Path.Combine(_folder.Path, "store"));
        var uploader = new OrphanJournalUploader(store, new LocalIndexCache(Path.Combine(_folder.Path, "cache")), Microsoft.Extensions.Logging.Abstractions.NullLogger<OrphanJournalUploader>.Instance);
        Assert.Equal(1, await uploader.UploadAsync("u1", null));
        var segment = await store.ReadBytesAsync(new UserObjectNames("u1").Index(header.ObjectName));
        Assert.NotNull(segment);
        Assert.Equal(acknowledged, JournalSegment.Read(segment!).Entries);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task The_uploader_continues_after_every_staged_segment_of_the_journal(int staged)
    {
        // Undefended: only the first staged segment was skipped; the tail's create collided with the second one,
        // failed unnoticed, and the journal was deleted: every change acknowledged after it was lost.
        var cache = Path.Combine(_folder.Path, "cache", "u2");
        var activation = Guid.NewGuid();
        var entries = Enumerable.Range(0, (staged * 2) + 3).Select(i => (JournalEntry)new MailboxCreated(1000 + i, Guid.NewGuid(), $"F{i}", SpecialUse.None, (uint)(10 + i))).ToList();
        var journal = LocalJournal.Open(cache, new SegmentHeader(activation, 7, 6));
        foreach (var e in entries)
        {
            journal.Append(e);
        }

        await journal.SyncAsync();
        journal.Dispose();

        var store = new FileSystemObjectStore(Path.Combine(_folder.Path, "store-" + staged));
        var names = new UserObjectNames("u2");
        for (var k = 0; k < staged; k++)
        {
            // What checkpoint attempts 7, 8, ... uploaded before their manifest writes failed: two entries each.
            var header = new SegmentHeader(activation, 7 + k, 6 + k);
            Assert.True(await store.CreateAsync(names.Index(header.ObjectName), JournalSegment.ToBytes(header, entries.Skip(k * 2).Take(2).ToList())));
        }

        var uploader = new OrphanJournalUploader(store, new LocalIndexCache(Path.Combine(_folder.Path, "cache")), Microsoft.Extensions.Logging.Abstractions.NullLogger<OrphanJournalUploader>.Instance);
        Assert.Equal(1, await uploader.UploadAsync("u2", null));

        // The chain 7 → 8 → ... holds every entry once, in order, each segment on the one before it.
        var replayed = new List<JournalEntry>();
        for (var seq = 7L; ; seq++)
        {
            var bytes = await store.ReadBytesAsync(names.Index(SegmentNames.Log(seq, activation)));
            if (bytes is null)
            {
                Assert.Equal(7 + staged + 1, seq);
                break;
            }

            var (header, read) = JournalSegment.Read(bytes);
            Assert.Equal(seq - 1, header.BaseSeq);
            replayed.AddRange(read);
        }

        Assert.Equal(entries, replayed);
        Assert.False(File.Exists(Path.Combine(cache, LocalJournal.FileName(activation))));
    }
}
