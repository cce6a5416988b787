using OrleansMail.Index.Journal;
using OrleansMail.Index.Merge;
using OrleansMail.Index.Model;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>Each merge rule of docs/architecture.md on a small hand-made case.</summary>
public sealed class MergeRuleTests
{
    private static readonly Guid ActA = new("00000000-0000-0000-0000-0000000000aa");
    private static readonly Guid ActB = new("00000000-0000-0000-0000-0000000000bb");
    private static readonly Guid Inbox = new("10000000-0000-0000-0000-000000000000");

    private static MessageRecord Msg(Guid id, uint uid, ulong modSeq, MessageFlags flags = MessageFlags.None) =>
        new() { RecordId = id, BodyId = id, Uid = uid, ModSeq = modSeq, Flags = flags, Size = 10 };

    private static UserIndex BaseWithTwoMessages(out Guid m1, out Guid m2)
    {
        m1 = Guid.NewGuid();
        m2 = Guid.NewGuid();
        var index = new UserIndex();
        index.ApplyAll([
            new MailboxCreated(1, Inbox, "INBOX", SpecialUse.None, 100),
            new MessageAdded(2, Inbox, Msg(m1, 1, 2)),
            new MessageAdded(3, Inbox, Msg(m2, 2, 3)),
        ]);
        return index;
    }

    [Fact]
    public void A_mailbox_both_sides_created_keeps_the_higher_UIDVALIDITY_and_renumbers_what_only_the_other_had()
    {
        // Undefended: the merge took the lower UIDVALIDITY, so the successor's clients saw it go back, and the dead
        // node's message kept UID 1, below the UIDNEXT those clients had been shown.
        var empty = new UserIndex();
        var early = Guid.NewGuid();
        var late = Guid.NewGuid();
        var merged = IndexMerge.Merge(
            empty,
            new JournalSide(ActA, [new MailboxCreated(1, Inbox, "INBOX", SpecialUse.None, 100), new MessageAdded(2, Inbox, Msg(early, 1, 2))]),
            new JournalSide(ActB, [new MailboxCreated(5, Inbox, "INBOX", SpecialUse.None, 200), new MessageAdded(6, Inbox, Msg(late, 1, 2)), new MessageAdded(7, Inbox, Msg(Guid.NewGuid(), 2, 3))])).Index;
        var inbox = merged.FindMailbox(Inbox)!;
        Assert.Equal(200u, inbox.UidValidity);
        Assert.True(merged.LastUidValidity >= 200);
        var dead = inbox.Messages.Single(r => r.RecordId == early);
        Assert.True(dead.Uid >= 3, $"the dead side's message kept UID {dead.Uid}, below the UIDNEXT 3 the other side showed");
        Assert.Equal(inbox.Messages.Count, inbox.Messages.Select(r => r.Uid).Distinct().Count());
    }

    [Fact]
    public void A_message_only_one_side_has_gets_a_UID_above_the_UIDNEXT_the_other_side_showed()
    {
        // Undefended: the zombie's UID 3 came back while the successor's clients had been shown UIDNEXT 1003; a
        // client that syncs from its last UIDNEXT never fetched it.
        var b = BaseWithTwoMessages(out _, out _);
        var zombies = Guid.NewGuid();
        var merged = IndexMerge.Merge(
            b,
            new JournalSide(ActA, [new MessageAdded(10, Inbox, Msg(zombies, 3, 4))]),
            new JournalSide(ActB, [new CountersRaised(11, Inbox, 1003, 1003), new MessageAdded(12, Inbox, Msg(Guid.NewGuid(), 1003, 1004))])).Index;
        var inbox = merged.FindMailbox(Inbox)!;
        Assert.True(inbox.Messages.Single(r => r.RecordId == zombies).Uid >= 1004);
        Assert.Contains(inbox.Expunged, e => e.First <= 3 && e.Last >= 3);
        Assert.Equal(4, inbox.Messages.Count);
    }

    [Fact]
    public void What_the_dead_node_expunged_moved_or_filed_after_recovery_re_indexed_it_stays_that_way()
    {
        // Undefended: recovery on the successor re-indexed the dead node's late deliveries; at merge they were
        // one-sided and kept, so deleted mail came back, moved mail sat in two places, filed mail in INBOX too.
        var b = BaseWithTwoMessages(out _, out _);
        var deleted = Guid.NewGuid();
        var moved = Guid.NewGuid();
        var filed = Guid.NewGuid();
        var kept = Guid.NewGuid();
        var archive = Guid.NewGuid();
        var movedCopy = Guid.NewGuid();
        var dead = new JournalSide(ActA,
        [
            new MessageAdded(10, Inbox, Msg(deleted, 3, 4)),
            new MessageAdded(11, Inbox, Msg(moved, 4, 5)),
            new MessageAdded(12, Inbox, Msg(kept, 5, 6)),
            new MailboxCreated(13, archive, "Archive", SpecialUse.None, 150),
            new MessageAdded(14, archive, Msg(filed, 1, 2)),
            new MessagesExpunged(15, Inbox, UidSet.Of(3), 7),
            new MessageAdded(16, archive, Msg(movedCopy, 2, 3) with { BodyId = moved }),
            new MessagesExpunged(17, Inbox, UidSet.Of(4), 8),
        ]);

        // The successor's recovery: every body the dead node stored, indexed from its metadata (INBOX, as the
        // metadata of the filed one names a mailbox the successor never heard of).
        var successor = new JournalSide(ActB,
        [
            new CountersRaised(20, Inbox, 1003, 1004),
            new MessageAdded(21, Inbox, Msg(deleted, 1003, 1005)),
            new MessageAdded(22, Inbox, Msg(moved, 1004, 1006)),
            new MessageAdded(23, Inbox, Msg(kept, 1005, 1007)),
            new MessageAdded(24, Inbox, Msg(filed, 1006, 1008)),
        ]);
        foreach (var (x, y) in new[] { (dead, successor), (successor, dead) })
        {
            var merged = IndexMerge.Merge(b, x, y).Index;
            var inbox = merged.FindMailbox(Inbox)!;
            var records = merged.Mailboxes.Values.SelectMany(m => m.Messages.Select(r => (Box: m.Name, r.RecordId))).ToList();
            Assert.DoesNotContain(records, r => r.RecordId == deleted);
            Assert.Equal([("Archive", movedCopy)], records.Where(r => r.RecordId == movedCopy || r.RecordId == moved));
            Assert.Equal([("Archive", filed)], records.Where(r => r.RecordId == filed));
            Assert.Single(records, r => r.RecordId == kept);
            foreach (var uid in new uint[] { 1003, 1004, 1006 })
            {
                Assert.Contains(inbox.Expunged, e => e.First <= uid && e.Last >= uid);
            }
        }
    }

    [Fact]
    public void Expunge_on_either_side_wins_over_a_flag_change()
    {
        var b = BaseWithTwoMessages(out _, out _);
        var merged = IndexMerge.Merge(
            b,
            new JournalSide(ActA, [new MessagesExpunged(10, Inbox, UidSet.Of(1), 4)]),
            new JournalSide(ActB, [new FlagsChanged(11, Inbox, 1, MessageFlags.Flagged, [], 4)])).Index;
        var inbox = merged.FindMailbox(Inbox)!;
        Assert.Null(inbox.FindByUid(1));
        Assert.NotNull(inbox.FindByUid(2));
        Assert.Contains(inbox.Expunged, e => e.First <= 1 && e.Last >= 1 && e.ModSeq == 5);
    }

    [Fact]
    public void Flags_merge_three_way_and_changed_records_get_a_modseq_above_both_sides()
    {
        var b = BaseWithTwoMessages(out _, out _);
        var merged = IndexMerge.Merge(
            b,
            new JournalSide(ActA, [new FlagsChanged(10, Inbox, 1, MessageFlags.Seen, [], 4), new FlagsChanged(11, Inbox, 2, MessageFlags.Seen, [], 5)]),
            new JournalSide(ActB, [new FlagsChanged(12, Inbox, 1, MessageFlags.Flagged, ["todo"], 4)])).Index;
        var inbox = merged.FindMailbox(Inbox)!;
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, inbox.FindByUid(1)!.Value.Flags);
        Assert.Equal(["todo"], inbox.FindByUid(1)!.Value.Keywords);
        Assert.Equal(6UL, inbox.FindByUid(1)!.Value.ModSeq);
        Assert.Equal(6UL, inbox.FindByUid(2)!.Value.ModSeq);
        Assert.Equal(6UL, inbox.HighestModSeq);
    }

    [Fact]
    public void Two_messages_on_one_uid_both_move_above_both_uidnexts_and_the_old_uid_vanishes()
    {
        var b = BaseWithTwoMessages(out _, out _);
        var x = Guid.NewGuid();
        var y = Guid.NewGuid();
        var result = IndexMerge.Merge(
            b,
            new JournalSide(ActA, [new MessageAdded(10, Inbox, Msg(x, 3, 4))]),
            new JournalSide(ActB, [new MessageAdded(11, Inbox, Msg(y, 3, 4)), new MessageAdded(12, Inbox, Msg(Guid.NewGuid(), 4, 5))]));
        var inbox = result.Index.FindMailbox(Inbox)!;
        Assert.Null(inbox.FindByUid(3));
        Assert.True(inbox.Messages.Single(r => r.RecordId == x).Uid >= 5);
        Assert.True(inbox.Messages.Single(r => r.RecordId == y).Uid >= 5);
        Assert.Contains(inbox.Expunged, e => e.First <= 3 && e.Last >= 3);
        Assert.Equal(2, result.Reassigned.Count);
        Assert.Equal(5, inbox.Messages.Count);
    }

    [Fact]
    public void One_body_indexed_on_both_sides_under_different_uids_is_kept_once()
    {
        var b = BaseWithTwoMessages(out _, out _);
        var body = Guid.NewGuid();
        var merged = IndexMerge.Merge(
            b,
            new JournalSide(ActA, [new MessageAdded(10, Inbox, Msg(body, 3, 4, MessageFlags.Seen))]),
            new JournalSide(ActB, [new MessageAdded(11, Inbox, Msg(Guid.NewGuid(), 3, 4)), new MessageAdded(20, Inbox, Msg(body, 4, 5))])).Index;
        var inbox = merged.FindMailbox(Inbox)!;
        Assert.Single(inbox.Messages, r => r.RecordId == body);
        Assert.Equal(MessageFlags.None, inbox.Messages.Single(r => r.RecordId == body).Flags); // B's later stamp wins
    }

    [Fact]
    public void A_mailbox_deleted_on_one_side_but_added_to_on_the_other_survives_with_the_new_messages()
    {
        var b = BaseWithTwoMessages(out _, out _);
        var work = Guid.NewGuid();
        b.Apply(new MailboxCreated(4, work, "Work", SpecialUse.None, 101));
        b.Apply(new MessageAdded(5, work, Msg(Guid.NewGuid(), 1, 2)));
        var fresh = Guid.NewGuid();
        var merged = IndexMerge.Merge(
            b,
            new JournalSide(ActA, [new MailboxDeleted(10, work)]),
            new JournalSide(ActB, [new MessageAdded(11, work, Msg(fresh, 2, 3))])).Index;
        var box = merged.FindMailbox(work)!;
        Assert.Equal([fresh], box.Messages.Select(r => r.RecordId));
        Assert.Contains(box.Expunged, e => e.First <= 1 && e.Last >= 1);
    }

    [Fact]
    public void A_resurrected_mailbox_comes_back_under_a_new_UIDVALIDITY()
    {
        // Undefended: it came back as UIDVALIDITY 101 with UIDNEXT 3 and HIGHESTMODSEQ 3, while the deleting side's
        // clients had been shown UIDNEXT 1002 and HIGHESTMODSEQ 1003 for that very UIDVALIDITY.
        var b = BaseWithTwoMessages(out _, out _);
        var work = Guid.NewGuid();
        b.Apply(new MailboxCreated(4, work, "Work", SpecialUse.None, 101));
        b.Apply(new MessageAdded(5, work, Msg(Guid.NewGuid(), 1, 2)));
        var merged = IndexMerge.Merge(
            b,
            new JournalSide(ActA, [new CountersRaised(9, work, 1002, 1003), new MailboxDeleted(10, work)]),
            new JournalSide(ActB, [new MessageAdded(11, work, Msg(Guid.NewGuid(), 2, 3))])).Index;
        var box = merged.FindMailbox(work)!;
        Assert.True(box.UidValidity > 101);
        Assert.Equal(merged.LastUidValidity, box.UidValidity);
        Assert.Single(box.Messages);
    }

    [Fact]
    public void A_mailbox_deleted_on_one_side_and_only_flagged_on_the_other_is_gone()
    {
        var b = BaseWithTwoMessages(out _, out _);
        var work = Guid.NewGuid();
        b.Apply(new MailboxCreated(4, work, "Work", SpecialUse.None, 101));
        b.Apply(new MessageAdded(5, work, Msg(Guid.NewGuid(), 1, 2)));
        var merged = IndexMerge.Merge(
            b,
            new JournalSide(ActA, [new MailboxDeleted(10, work)]),
            new JournalSide(ActB, [new FlagsChanged(11, work, 1, MessageFlags.Seen, [], 3)])).Index;
        Assert.Null(merged.FindMailbox(work));
    }

    [Fact]
    public void Two_new_mailboxes_with_one_name_keep_both_and_the_higher_id_is_renamed()
    {
        var b = BaseWithTwoMessages(out _, out _);
        var low = new Guid("20000000-0000-0000-0000-000000000000");
        var high = new Guid("30000000-0000-0000-0000-000000000000");
        var merged = IndexMerge.Merge(
            b,
            new JournalSide(ActA, [new MailboxCreated(10, high, "Projects", SpecialUse.None, 102)]),
            new JournalSide(ActB, [new MailboxCreated(11, low, "Projects", SpecialUse.None, 103)])).Index;
        Assert.Equal("Projects", merged.FindMailbox(low)!.Name);
        Assert.Equal("Projects-30000000", merged.FindMailbox(high)!.Name);
        Assert.Equal(103u, merged.LastUidValidity);
    }

    [Fact]
    public void Renames_on_both_sides_go_to_the_later_one()
    {
        var b = BaseWithTwoMessages(out _, out _);
        var work = Guid.NewGuid();
        b.Apply(new MailboxCreated(4, work, "Work", SpecialUse.None, 101));
        var merged = IndexMerge.Merge(
            b,
            new JournalSide(ActA, [new MailboxRenamed(20, work, "Job")]),
            new JournalSide(ActB, [new MailboxRenamed(10, work, "Office")])).Index;
        Assert.Equal("Job", merged.FindMailbox(work)!.Name);
    }

    [Fact]
    public void A_body_dropped_by_the_merge_is_tombstoned()
    {
        var b = BaseWithTwoMessages(out var m1, out _);
        var merged = IndexMerge.Merge(
            b,
            new JournalSide(ActA, [new MessagesExpunged(10, Inbox, UidSet.Of(1), 4)]),
            new JournalSide(ActB, [])).Index;
        Assert.True(merged.Tombstones.ContainsKey(m1));
        Assert.False(merged.IsBodyReferenced(m1));
    }
}
