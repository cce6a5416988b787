using FsCheck.Xunit;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Merge;
using OrleansMail.Index.Model;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>
/// The allocation cap and the raise after an unclean end: a writer that died handed out at most the cap since the
/// base; its successor raises every counter by the cap first. Their UIDs and modseqs then never meet.
/// </summary>
public sealed class UncleanRestartPropertyTests
{
    private const uint Cap = 1000;

    [Property(MaxTest = 100)]
    public void After_the_raise_no_uid_or_modseq_of_the_dead_writer_is_handed_out_again(int seed)
    {
        var builder = new JournalSimulator(seed, new UserIndex(), 1_000_000);
        builder.Run(40);
        var @base = builder.State;

        // The dead writer: at most the cap of allocations after the base (30 steps allocate far fewer).
        var dead = new JournalSimulator(seed * 7 + 1, @base.Clone(), 2_000_000);
        dead.Run(30);

        // Its successor starts from the base, raises, then works.
        var successorState = @base.Clone();
        var raise = successorState.Mailboxes.Values.Select(m => (JournalEntry)new CountersRaised(1_500_000, m.Id, m.UidNext + Cap, m.HighestModSeq + Cap)).ToList();
        successorState.ApplyAll(raise);
        var successor = new JournalSimulator(seed * 7 + 2, successorState, 3_000_000);
        successor.Run(30);

        foreach (var box in successor.State.Mailboxes.Values)
        {
            var before = dead.State.FindMailbox(box.Id);
            if (before is null || @base.FindMailbox(box.Id) is null)
            {
                continue;
            }

            foreach (var r in box.Messages.Where(r => @base.FindMailbox(box.Id)!.FindByUid(r.Uid)?.RecordId != r.RecordId))
            {
                Assert.True(r.Uid >= before.UidNext, $"UID {r.Uid} handed out again after an unclean end");
                Assert.True(r.ModSeq > before.HighestModSeq, $"modseq {r.ModSeq} handed out again after an unclean end");
            }
        }

        // When the dead writer's journal returns, the successor's records keep their UIDs, and what only the dead
        // writer added moves above the UIDNEXT the successor's clients were shown (they sync from it onwards).
        var merged = IndexMerge.Merge(@base, new JournalSide(Guid.NewGuid(), raise.Concat(successor.Entries).ToList()), new JournalSide(Guid.NewGuid(), dead.Entries));
        foreach (var box in merged.Index.Mailboxes.Values)
        {
            var shown = successor.State.FindMailbox(box.Id);
            var deadBox = dead.State.FindMailbox(box.Id);
            var baseBox = @base.FindMailbox(box.Id);
            if (shown is null || deadBox is null || baseBox is null || shown.UidValidity != box.UidValidity)
            {
                continue;
            }

            foreach (var r in box.Messages)
            {
                var inSuccessor = shown.Messages.Where(x => x.RecordId == r.RecordId).Cast<MessageRecord?>().FirstOrDefault();
                var inDead = deadBox.Messages.Where(x => x.RecordId == r.RecordId).Cast<MessageRecord?>().FirstOrDefault();
                if (baseBox.Messages.Any(x => x.RecordId == r.RecordId))
                {
                    continue;
                }

                if (inSuccessor is null && inDead is not null)
                {
                    Assert.True(r.Uid >= shown.UidNext, $"the dead writer's message kept UID {r.Uid}, below the UIDNEXT {shown.UidNext} the successor showed");
                }
                else if (inSuccessor is not null && inDead is null)
                {
                    Assert.Equal(inSuccessor.Value.Uid, r.Uid);
                }
            }
        }
    }
}
