using OrleansMail.Index.Journal;
using OrleansMail.Index.Merge;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Index.Tests;

/// <summary>
/// A random failure history, played as UserGrain plays it: a writer dies after its last checkpoint (the base; empty
/// when it died before its first), its successor raises every counter by the allocation cap, recovery re-indexes
/// the bodies the dead writer stored since (into the mailbox their metadata names, or INBOX), and the user works on;
/// sometimes a third writer (a zombie of a split brain) diverged from the same base too. The dead writers' journals
/// then return, one after the other, and are merged into the live index as the reconciliation grain merges them.
/// </summary>
internal sealed class FailureHistory
{
    public const uint AllocationCap = 1000;

    private FailureHistory(UserIndex @base, List<Side> dead, Side successor)
    {
        Base = @base;
        Dead = dead;
        Successor = successor;
    }

    public UserIndex Base { get; }

    /// <summary>The writers whose journals return late, in the order they return.</summary>
    public List<Side> Dead { get; }

    public Side Successor { get; }

    public IEnumerable<Side> Sides => Dead.Append(Successor);

    public static FailureHistory Generate(int seed)
    {
        var r = new Random(seed);
        var firstCheckpointDeath = r.Next(4) == 0;
        var builder = new JournalSimulator(seed, new UserIndex(), 1_000_000);
        builder.Run(firstCheckpointDeath ? 0 : 40);
        var @base = builder.State;

        var dead = new List<Side>();
        var deadCount = r.Next(3) == 0 ? 2 : 1;
        for (var i = 0; i < deadCount; i++)
        {
            var sim = new JournalSimulator(seed * 31 + i + 1, @base.Clone(), 2_000_000 + i * 100_000);
            sim.Run(30);
            dead.Add(new Side(new Guid(seed, (short)i, 1, 0, 0, 0, 0, 0, 0, 0, 1), @base, sim.Entries, sim.State));
        }

        // The successor: the raise, then recovery of every body the dead stored and the base does not name.
        var state = @base.Clone();
        var entries = new List<JournalEntry>();
        void Apply(JournalEntry e)
        {
            state.Apply(e);
            entries.Add(e);
        }

        foreach (var m in state.Mailboxes.Values.ToList())
        {
            Apply(new CountersRaised(3_000_000, m.Id, m.UidNext + AllocationCap, m.HighestModSeq + AllocationCap));
        }

        foreach (var (mailboxId, record) in dead.SelectMany(d => d.Entries).OfType<MessageAdded>().Where(a => a.Record.RecordId == a.Record.BodyId).Select(a => (a.MailboxId, a.Record)))
        {
            if (state.IsBodyReferenced(record.BodyId) || state.Tombstones.ContainsKey(record.BodyId))
            {
                continue;
            }

            var target = state.FindMailbox(mailboxId) ?? state.FindMailbox(MailboxName.Inbox);
            if (target is null)
            {
                Apply(new MailboxCreated(3_000_001, JournalSimulator.InboxId, MailboxName.Inbox, SpecialUse.None, Math.Max(state.LastUidValidity + 1, 5000)));
                target = state.FindMailbox(MailboxName.Inbox)!;
            }

            Apply(new MessageAdded(3_000_002, target.Id, record with { Uid = target.UidNext, ModSeq = target.HighestModSeq + 1, SummaryBatch = -1 }));
        }

        var work = new JournalSimulator(seed * 31 + 7, state, 4_000_000);
        work.Run(30);
        entries.AddRange(work.Entries);
        return new FailureHistory(@base, dead, new Side(new Guid(seed, 9, 9, 0, 0, 0, 0, 0, 0, 0, 9), @base, entries, work.State));
    }

    /// <summary>The live index after every dead journal returned and was merged into it, one by one.</summary>
    public UserIndex Merged()
    {
        var current = Successor.State;
        foreach (var d in Dead)
        {
            current = IndexMerge.Merge(
                Base,
                ReplayedSide.FromState(current, Successor.ActivationId, Successor.Entries),
                new ReplayedSide(Base, new JournalSide(d.ActivationId, d.Entries))).Index;
        }

        return current;
    }

    /// <summary>The live index after the dead journals returned too late for a merge (their base no longer kept).</summary>
    public UserIndex Salvaged()
    {
        var current = Successor.State.Clone();
        foreach (var d in Dead)
        {
            var result = JournalSalvage.Salvage(current, d.Entries, 9_000_000, v => v + 1, JournalSimulator.InboxId);
            current.ApplyAll(result.Entries);
        }

        return current;
    }

    /// <summary>One writer: its journal since the base and the state its clients were shown last.</summary>
    public sealed class Side
    {
        public Side(Guid activationId, UserIndex @base, List<JournalEntry> entries, UserIndex state)
        {
            ActivationId = activationId;
            Entries = entries;
            State = state;
            AddedInJournal = entries.OfType<MessageAdded>().Select(a => a.Record.RecordId).ToHashSet();
            var everHeld = @base.Mailboxes.Values.SelectMany(m => m.Messages).Select(r => r.RecordId).Concat(AddedInJournal).ToHashSet();
            var held = Held(state);
            Expunged = everHeld.Where(id => !held.Contains(id)).ToHashSet();
        }

        public Guid ActivationId { get; }

        public List<JournalEntry> Entries { get; }

        public UserIndex State { get; }

        public HashSet<Guid> AddedInJournal { get; }

        /// <summary>Records this writer held at some point and no longer holds: it expunged, moved or deleted them.</summary>
        public HashSet<Guid> Expunged { get; }

        public static HashSet<Guid> Held(UserIndex index) => index.Mailboxes.Values.SelectMany(m => m.Messages).Select(r => r.RecordId).ToHashSet();
    }
}
