using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Merge;
using OrleansMail.Index.Model;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>Summary batches no referenced body needs are dropped, and a dropped batch is never named again.</summary>
public sealed class SummaryBatchGcTests
{
    private static readonly Guid Inbox = new("10000000-0000-0000-0000-000000000000");

    private static MessageRecord Msg(Guid id, uint uid) => new() { RecordId = id, BodyId = id, Uid = uid, ModSeq = uid + 1, Size = 10 };

    /// <summary>Two batches: the first holds m1 and m2, the second m3; m1 and m3 are then expunged.</summary>
    private static UserIndex TwoBatches(out Guid m1, out Guid m2, out Guid m3)
    {
        (m1, m2, m3) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var index = new UserIndex();
        index.ApplyAll([
            new MailboxCreated(1, Inbox, "INBOX", SpecialUse.None, 100),
            new MessageAdded(2, Inbox, Msg(m1, 1)),
            new MessageAdded(3, Inbox, Msg(m2, 2)),
            new SummaryBatchStored(4, "sum-a", [m1, m2]),
            new MessageAdded(5, Inbox, Msg(m3, 3)),
            new SummaryBatchStored(6, "sum-b", [m3]),
            new MessagesExpunged(7, Inbox, UidSet.FromRanges([(1, 1), (3, 3)]), 10),
        ]);
        return index;
    }

    [Fact]
    public void A_batch_is_unreferenced_only_when_no_live_body_has_its_summary_there()
    {
        var index = TwoBatches(out _, out var m2, out _);
        Assert.Equal(["sum-b"], index.UnreferencedSummaryBatches());

        index.Apply(new SummaryBatchesDropped(8, ["sum-b"]));
        Assert.Empty(index.UnreferencedSummaryBatches());
        Assert.Equal("sum-a", index.SummaryBatchOf(m2));
        Assert.DoesNotContain("sum-b", index.SummaryBatches);

        // Positions never move: a record read later with sum-a's position still finds sum-a.
        Assert.Equal(0, index.SummaryBatchIndexOf(m2));
    }

    [Fact]
    public void Dropping_survives_a_snapshot_and_a_replay_and_applying_it_twice_changes_nothing()
    {
        var index = TwoBatches(out _, out var m2, out _);
        var dropped = new SummaryBatchesDropped(8, ["sum-b"]);
        index.Apply(dropped);
        var reread = IndexReader.ReadSnapshot(IndexWriter.SnapshotBytes(index));
        reread.Apply(dropped);
        Assert.Equal("sum-a", reread.SummaryBatchOf(m2));
        Assert.Empty(reread.UnreferencedSummaryBatches());
        Assert.Equal(index.SummaryBatches, reread.SummaryBatches);
    }

    [Fact]
    public void A_summary_rebuilt_after_its_batch_was_lost_is_found_in_the_batch_that_lists_it_again()
    {
        var index = TwoBatches(out _, out var m2, out _);
        index.Apply(new SummaryBatchStored(9, "sum-c", [m2]));
        Assert.Equal("sum-c", index.SummaryBatchOf(m2));
        Assert.Equal(["sum-a", "sum-b"], index.UnreferencedSummaryBatches());
    }

    [Fact]
    public void A_merge_leaves_dropped_batches_out_and_keeps_every_live_summary_reachable()
    {
        var @base = TwoBatches(out _, out var m2, out _);
        var m4 = Guid.NewGuid();

        // One side expunges the last message of sum-a and drops it; the other side delivers and batches m4.
        var merged = IndexMerge.Merge(
            @base,
            new JournalSide(Guid.NewGuid(), [new MessagesExpunged(20, Inbox, UidSet.Of(2), 11), new SummaryBatchesDropped(21, ["sum-a", "sum-b"])]),
            new JournalSide(Guid.NewGuid(), [new MessageAdded(22, Inbox, Msg(m4, 4) with { ModSeq = 11 }), new SummaryBatchStored(23, "sum-d", [m4])])).Index;

        Assert.Equal("sum-d", merged.SummaryBatchOf(m4));
        Assert.False(merged.IsBodyReferenced(m2));
        Assert.DoesNotContain(UserIndex.DroppedBatch, merged.SummaryBatches);

        // What the base still named and nothing needs is found again by the next compaction.
        Assert.Equal(["sum-a", "sum-b"], merged.UnreferencedSummaryBatches().Order(StringComparer.Ordinal));
    }
}
