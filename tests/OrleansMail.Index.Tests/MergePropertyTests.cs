using FsCheck.Xunit;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Merge;
using OrleansMail.Index.Model;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>The merge promises of docs/architecture.md as properties over random divergent journals.</summary>
public sealed class MergePropertyTests
{
    [Property(MaxTest = 150)]
    public void Merge_is_deterministic_and_order_independent(int seed)
    {
        var s = Scenario.Generate(seed);
        var ab = IndexMerge.Merge(s.Base, s.A, s.B).Index;
        var ba = IndexMerge.Merge(s.Base, s.B, s.A).Index;
        var again = IndexMerge.Merge(s.Base, s.A, s.B).Index;
        Assert.Equal(IndexDump.Of(ab), IndexDump.Of(ba));
        Assert.Equal(Scenario.Bytes(ab), Scenario.Bytes(ba));
        Assert.Equal(Scenario.Bytes(ab), Scenario.Bytes(again));
    }

    [Property(MaxTest = 150)]
    public void Merging_a_side_with_itself_changes_nothing(int seed)
    {
        var s = Scenario.Generate(seed);
        var merged = IndexMerge.Merge(s.Base, s.A, s.A).Index;
        Assert.Equal(IndexDump.Of(s.StateA), IndexDump.Of(merged));
        Assert.Equal(Scenario.Bytes(s.StateA), Scenario.Bytes(merged));
    }

    [Property(MaxTest = 150)]
    public void No_record_present_on_either_side_and_expunged_on_neither_is_lost(int seed)
    {
        var s = Scenario.Generate(seed);
        var merged = IndexMerge.Merge(s.Base, s.A, s.B).Index;
        foreach (var (mine, other, otherJournal) in new[] { (s.StateA, s.StateB, s.B), (s.StateB, s.StateA, s.A) })
        {
            foreach (var box in mine.Mailboxes.Values)
            {
                var baseBox = s.Base.FindMailbox(box.Id);
                var otherBox = other.FindMailbox(box.Id);
                foreach (var r in box.Messages)
                {
                    // Expunged by the other side: it had the record (in the base, or added it itself, as when both
                    // sides hold one delivery: the dead node stored it, the successor's recovery re-indexed it) and
                    // no longer has it here. A record only one side ever had is never dropped.
                    var inBase = baseBox?.Messages.Any(x => x.RecordId == r.RecordId) == true;
                    var addedByOther = otherJournal.Entries.OfType<MessageAdded>().Any(a => a.Record.RecordId == r.RecordId);
                    var expungedByOther = (inBase || addedByOther) && (otherBox is null || otherBox.Messages.All(x => x.RecordId != r.RecordId));
                    if (expungedByOther)
                    {
                        continue;
                    }

                    var survivor = merged.FindMailbox(box.Id);
                    Assert.True(survivor is not null, $"mailbox {box.Name} with a kept message was dropped");
                    Assert.Contains(survivor!.Messages, x => x.RecordId == r.RecordId);
                }
            }
        }
    }

    [Property(MaxTest = 150)]
    public void No_uid_names_another_message_and_counters_never_go_back(int seed)
    {
        var s = Scenario.Generate(seed);
        var merged = IndexMerge.Merge(s.Base, s.A, s.B).Index;
        foreach (var side in new[] { s.StateA, s.StateB })
        {
            foreach (var box in merged.Mailboxes.Values)
            {
                var before = side.FindMailbox(box.Id);
                if (before is null)
                {
                    continue;
                }

                Assert.True(box.UidNext >= before.UidNext, "UIDNEXT went backwards");
                Assert.True(box.HighestModSeq >= before.HighestModSeq, "HIGHESTMODSEQ went backwards");
                foreach (var r in box.Messages)
                {
                    var old = before.FindByUid(r.Uid);
                    Assert.True(old is null || old.Value.RecordId == r.RecordId, $"UID {r.Uid} of {box.Name} now names another message");
                    Assert.False(before.Expunged.Any(e => r.Uid >= e.First && r.Uid <= e.Last), $"UID {r.Uid} was expunged on a side but is live after the merge");
                    if (old is null || !old.Value.SameFlags(r))
                    {
                        Assert.True(r.ModSeq > before.HighestModSeq, $"changed UID {r.Uid} kept a modseq a side's clients already passed");
                    }
                }

                // Every UID a side knew that the merge dropped is reported as vanished.
                foreach (var r in before.Messages)
                {
                    if (box.FindByUid(r.Uid)?.RecordId != r.RecordId)
                    {
                        Assert.True(box.Expunged.Any(e => r.Uid >= e.First && r.Uid <= e.Last && e.ModSeq > before.HighestModSeq), $"UID {r.Uid} vanished without a VANISHED entry above the side's HIGHESTMODSEQ");
                    }
                }
            }
        }
    }

    [Property(MaxTest = 100)]
    public void Merge_result_survives_the_binary_format(int seed)
    {
        var s = Scenario.Generate(seed);
        var merged = IndexMerge.Merge(s.Base, s.A, s.B).Index;
        var bytes = Scenario.Bytes(merged);
        Assert.Equal(bytes, Scenario.Bytes(Format.IndexReader.ReadSnapshot(bytes)));
    }
}
