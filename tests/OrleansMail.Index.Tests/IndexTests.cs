using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>Apply, the binary formats and the journal framing.</summary>
public sealed class IndexTests
{
    private static readonly Guid Box = Guid.NewGuid();

    [Fact]
    public void A_copy_keeps_its_body_alive_and_the_last_expunge_tombstones_it()
    {
        var body = Guid.NewGuid();
        var index = new UserIndex();
        index.ApplyAll([
            new MailboxCreated(1, Box, "INBOX", SpecialUse.None, 1),
            new MessageAdded(2, Box, new MessageRecord { RecordId = body, BodyId = body, Uid = 1, ModSeq = 2 }),
            new MessageAdded(3, Box, new MessageRecord { RecordId = Guid.NewGuid(), BodyId = body, Uid = 2, ModSeq = 3 }),
            new MessagesExpunged(4, Box, UidSet.Of(1), 4),
        ]);
        Assert.True(index.IsBodyReferenced(body));
        Assert.Empty(index.Tombstones);
        index.Apply(new MessagesExpunged(5, Box, UidSet.Of(2), 5));
        Assert.Equal(5, index.Tombstones[body]);
        index.Apply(new TombstoneCleared(6, body));
        Assert.Empty(index.Tombstones);
    }

    [Fact]
    public void Applying_an_entry_for_a_used_uid_is_rejected()
    {
        var index = new UserIndex();
        index.Apply(new MailboxCreated(1, Box, "INBOX", SpecialUse.None, 1));
        index.Apply(new MessageAdded(2, Box, new MessageRecord { RecordId = Guid.NewGuid(), BodyId = Guid.NewGuid(), Uid = 1, ModSeq = 2 }));
        Assert.Throws<IndexCorruptException>(() => index.Apply(new MessageAdded(3, Box, new MessageRecord { RecordId = Guid.NewGuid(), BodyId = Guid.NewGuid(), Uid = 1, ModSeq = 3 })));
    }

    [Fact]
    public void Records_read_from_a_snapshot_share_one_array_per_keyword_list_and_an_empty_record_says_no_batch()
    {
        var index = new UserIndex();
        index.Apply(new MailboxCreated(1, Box, "INBOX", SpecialUse.None, 1));
        for (var uid = 1u; uid <= 4; uid++)
        {
            var id = Guid.NewGuid();
            index.Apply(new MessageAdded(uid + 1, Box, new MessageRecord { RecordId = id, BodyId = id, Uid = uid, ModSeq = uid + 1, Keywords = uid == 4 ? ["$Junk"] : ["$NotJunk", "Work"] }));
        }

        var records = IndexReader.ReadSnapshot(IndexWriter.SnapshotBytes(index)).FindMailbox(Box)!.Messages;
        Assert.Equal(["$NotJunk", "Work"], records[0].Keywords);
        Assert.Same(records[0].Keywords, records[2].Keywords);
        Assert.NotSame(records[0].Keywords, records[3].Keywords);
        Assert.Equal(-1, default(MessageRecord).SummaryBatch);
        Assert.Empty(default(MessageRecord).Keywords);
    }

    [Fact]
    public void Every_entry_type_round_trips_through_a_segment()
    {
        var body = Guid.NewGuid();
        JournalEntry[] entries =
        [
            new MailboxCreated(1, Box, "Entwürfe/日本", SpecialUse.Drafts, 7),
            new MailboxRenamed(2, Box, "Other"),
            new SubscriptionChanged(3, "Other", true),
            new MessageAdded(4, Box, new MessageRecord { RecordId = Guid.NewGuid(), BodyId = body, Uid = 9, ModSeq = 4, Flags = MessageFlags.Seen | MessageFlags.Draft, Keywords = ["$Forwarded"], InternalDate = 123, SaveDate = 456_000, Size = 789, SummaryBatch = 0 }),
            new FlagsChanged(5, Box, 9, MessageFlags.Answered, ["a", "b"], 5),
            new MessagesExpunged(6, Box, UidSet.FromRanges([(1, 5), (9, 9)]), 6),
            new CountersRaised(7, Box, 100, 200),
            new TombstoneCleared(8, body),
            new SummaryBatchStored(9, "sum-1", [body]),
            new ExpungeHistoryTrimmed(10, Box, 3),
            new MailboxDeleted(11, Box),
            new SummaryBatchesDropped(12, ["sum-1", "sum-2"]),
        ];
        var header = new SegmentHeader(Guid.NewGuid(), 5, 4);
        var (readHeader, read) = JournalSegment.Read(JournalSegment.ToBytes(header, entries));
        Assert.Equal(header, readHeader);
        Assert.Equal(entries.Length, read.Count);
        for (var i = 0; i < entries.Length; i++)
        {
            Assert.Equal(entries[i].GetType(), read[i].GetType());
            Assert.Equal(entries[i].Timestamp, read[i].Timestamp);
        }

        Assert.Equal(((MessagesExpunged)entries[5]).Uids, ((MessagesExpunged)read[5]).Uids);
        Assert.Equal(((MessageAdded)entries[3]).Record with { Keywords = [] }, ((MessageAdded)read[3]).Record with { Keywords = [] });
        Assert.Equal("Entwürfe/日本", ((MailboxCreated)read[0]).Name);
        Assert.Equal(["sum-1", "sum-2"], ((SummaryBatchesDropped)read[^1]).BatchNames);
    }

    [Fact]
    public void A_torn_journal_tail_is_dropped_and_reported()
    {
        var header = new SegmentHeader(Guid.NewGuid(), 1, 0);
        var bytes = JournalSegment.ToBytes(header, [new MailboxCreated(1, Box, "INBOX", SpecialUse.None, 1), new MailboxRenamed(2, Box, "X")]);
        for (var cut = 1; cut < 12; cut++)
        {
            using var ms = new MemoryStream(bytes, 0, bytes.Length - cut);
            var (_, entries) = JournalSegment.Read(ms, out var torn);
            Assert.True(torn);
            Assert.Single(entries);
        }

        bytes[^1] ^= 0xFF;
        Assert.Throws<IndexCorruptException>(() => JournalSegment.Read(bytes));
    }

    [Fact]
    public void An_unknown_entry_type_from_a_newer_writer_is_skipped_not_misread()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write((byte)200);
            w.Write7BitEncodedInt(3);
            w.Write(new byte[] { 1, 2, 3 });
        }

        ms.Position = 0;
        using var r = new BinaryReader(ms);
        Assert.Null(IndexReader.ReadEntry(r));
    }

    [Fact]
    public void A_snapshot_from_a_newer_format_is_refused()
    {
        var bytes = IndexWriter.SnapshotBytes(new UserIndex());
        bytes[4] = 99;
        Assert.Throws<IndexCorruptException>(() => IndexReader.ReadSnapshot(bytes));
    }

    [Fact]
    public void Uid_sets_normalise_intersect_and_subtract()
    {
        var a = UidSet.FromRanges([(5, 2), (4, 9), (11, 11), (12, 14)]);
        Assert.Equal("2:9,11:14", a.ToString());
        Assert.Equal("3:4,12", a.Intersect(UidSet.FromRanges([(3, 4), (12, 12), (20, 30)])).ToString());
        Assert.Equal("2,5:9,11:14", a.Except(UidSet.FromRanges([(3, 4)])).ToString());
        Assert.Equal(12, a.Count);
        Assert.True(a.Contains(13));
        Assert.False(a.Contains(10));
        Assert.Equal("4294967295", UidSet.Of(uint.MaxValue).ToString());
    }
}
