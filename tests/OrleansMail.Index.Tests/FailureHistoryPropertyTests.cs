using FsCheck.Xunit;
using OrleansMail.Index.Merge;
using OrleansMail.Index.Model;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>
/// The promises of docs/architecture.md over random failure histories (recovery-created records, late expunges and
/// moves on a dead writer, mailbox deletes against deliveries, deaths before the first checkpoint, two or three
/// writers), for a late journal merged three-way and for one salvaged after its base was compacted away.
/// </summary>
public sealed class FailureHistoryPropertyTests
{
    [Property(MaxTest = 300)]
    public void Every_record_a_writer_expunged_stays_expunged(int seed)
    {
        var h = FailureHistory.Generate(seed);
        foreach (var (merged, how) in new[] { (h.Merged(), "merge"), (h.Salvaged(), "salvage") })
        {
            var held = FailureHistory.Side.Held(merged);
            foreach (var side in h.Sides)
            {
                // A salvaged journal's expunges of messages older than itself cannot be placed (documented): those
                // messages were never gone for the live side's clients. Everything it added and removed is.
                var expunged = how == "salvage" && side != h.Successor ? side.Expunged.Where(side.AddedInJournal.Contains) : side.Expunged;
                var back = expunged.Where(held.Contains).ToList();
                Assert.True(back.Count == 0, $"{how}: {back.Count} records a writer expunged came back");
            }
        }
    }

    [Property(MaxTest = 300)]
    public void Usage_after_a_crash_merge_or_salvage_is_what_the_records_add_up_to(int seed)
    {
        var h = FailureHistory.Generate(seed);
        foreach (var index in new[] { h.Merged(), h.Salvaged() }.Concat(h.Sides.Select(s => s.State)))
        {
            _ = IndexDump.Of(index); // throws when the kept usage and the records disagree
            var reread = Format.IndexReader.ReadSnapshot(Format.IndexWriter.SnapshotBytes(index));
            Assert.Equal((index.MessageCount, index.StorageBytes), (reread.MessageCount, reread.StorageBytes));
        }
    }

    [Property(MaxTest = 300)]
    public void Nothing_a_writer_holds_that_no_writer_expunged_is_lost_or_duplicated(int seed)
    {
        var h = FailureHistory.Generate(seed);
        var merged = h.Merged();
        var ids = merged.Mailboxes.Values.SelectMany(m => m.Messages).Select(r => r.RecordId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var expungedAnywhere = h.Sides.SelectMany(s => s.Expunged).ToHashSet();
        foreach (var side in h.Sides)
        {
            foreach (var id in FailureHistory.Side.Held(side.State).Where(id => !expungedAnywhere.Contains(id)))
            {
                Assert.Contains(id, ids);
            }
        }
    }

    [Property(MaxTest = 300)]
    public void A_journal_returning_after_GC_brings_back_no_record_without_a_body_and_loses_nothing_else(int seed)
    {
        // The live writer's grace period has passed: every body it let go of is collected.
        var h = FailureHistory.Generate(seed);
        var live = h.Successor.State;
        var collected = live.Tombstones.Keys.ToHashSet();
        var referencedBefore = live.Mailboxes.Values.SelectMany(m => m.Messages).Select(r => r.BodyId).ToHashSet();
        var expungedAnywhere = h.Sides.SelectMany(s => s.Expunged).ToHashSet();
        foreach (var merged in new[] { h.Merged(), h.Salvaged() })
        {
            var looked = CollectedBodies.BroughtIn(merged, referencedBefore);
            merged.ApplyAll(CollectedBodies.Expunges(merged, collected.Where(looked.Contains).ToHashSet(), 9_999_999));
            var records = merged.Mailboxes.Values.SelectMany(m => m.Messages).ToList();
            Assert.DoesNotContain(records, r => collected.Contains(r.BodyId));
            foreach (var box in merged.Mailboxes.Values)
            {
                Assert.Equal(box.Messages.Count, box.Messages.Select(r => r.Uid).Distinct().Count());
            }

            // What the live writer holds is never touched: its bodies were never collected.
            foreach (var id in FailureHistory.Side.Held(live).Where(id => !expungedAnywhere.Contains(id)))
            {
                Assert.Contains(records, r => r.RecordId == id);
            }
        }
    }

    [Property(MaxTest = 300)]
    public void A_salvaged_journal_brings_back_every_message_it_added_and_the_live_side_never_deleted(int seed)
    {
        var h = FailureHistory.Generate(seed);
        var salvaged = h.Salvaged();
        var records = salvaged.Mailboxes.Values.SelectMany(m => m.Messages).ToList();
        Assert.Equal(records.Count, records.Select(r => r.RecordId).Distinct().Count());
        var live = h.Successor;
        foreach (var dead in h.Dead)
        {
            var added = dead.Entries.OfType<Journal.MessageAdded>().Select(a => a.Record.RecordId).ToHashSet();
            foreach (var id in FailureHistory.Side.Held(dead.State).Where(added.Contains).Where(id => !live.Expunged.Contains(id)))
            {
                Assert.Contains(records, r => r.RecordId == id);
            }
        }
    }

    [Property(MaxTest = 300)]
    public void What_a_writer_did_not_show_comes_above_the_UIDNEXT_it_showed_and_UIDVALIDITY_never_goes_back(int seed)
    {
        var h = FailureHistory.Generate(seed);
        foreach (var (merged, how) in new[] { (h.Merged(), "merge"), (h.Salvaged(), "salvage") })
        {
            // The salvage keeps only the live writer's view: a dead writer's clients resync what it brought back.
            var sides = how == "merge" ? h.Sides : [h.Successor];
            foreach (var box in merged.Mailboxes.Values)
            {
                Assert.Equal(box.Messages.Count, box.Messages.Select(r => r.Uid).Distinct().Count());
                foreach (var side in sides)
                {
                    var shown = side.State.FindMailbox(box.Id);
                    if (shown is null)
                    {
                        continue;
                    }

                    Assert.True(box.UidValidity >= shown.UidValidity, $"{how}: UIDVALIDITY of {box.Name} went back from {shown.UidValidity} to {box.UidValidity}");
                    if (box.UidValidity != shown.UidValidity)
                    {
                        continue; // a new UIDVALIDITY: the writer's clients resync the mailbox whole
                    }

                    Assert.True(box.UidNext >= shown.UidNext, $"{how}: UIDNEXT of {box.Name} went back");
                    foreach (var r in box.Messages)
                    {
                        if (shown.FindByUid(r.Uid) is { } same && same.RecordId == r.RecordId)
                        {
                            continue;
                        }

                        Assert.True(r.Uid >= shown.UidNext, $"{how}: UID {r.Uid} in {box.Name} is new to a writer whose clients were shown UIDNEXT {shown.UidNext}");
                        Assert.True(r.ModSeq > shown.HighestModSeq, $"{how}: UID {r.Uid} in {box.Name} has a modseq a writer's clients already passed");
                    }
                }
            }
        }
    }
}
