using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;

namespace OrleansMail.Index.Merge;

/// <summary>A side's journal replayed onto a copy of the base, remembering when each record's flags and each mailbox's name last changed.</summary>
internal sealed class ReplayedSide
{
    public ReplayedSide(UserIndex @base, JournalSide side)
    {
        ActivationId = side.ActivationId;
        State = @base.Clone();
        foreach (var e in side.Entries)
        {
            switch (e)
            {
                case FlagsChanged f:
                    {
                        var rec = State.FindMailbox(f.MailboxId)?.FindByUid(f.Uid);
                        if (rec is not null)
                        {
                            FlagStamps[rec.RecordId] = e.Timestamp;
                        }

                        break;
                    }

                case MessageAdded a:
                    FlagStamps[a.Record.RecordId] = e.Timestamp;
                    break;
                case MailboxRenamed r:
                    NameStamps[r.MailboxId] = e.Timestamp;
                    break;
                case MailboxCreated c:
                    NameStamps[c.MailboxId] = e.Timestamp;
                    break;
            }

            LastTimestamp = Math.Max(LastTimestamp, e.Timestamp);
            State.Apply(e);
        }
    }

    public Guid ActivationId { get; }

    public UserIndex State { get; }

    public Dictionary<Guid, long> FlagStamps { get; } = [];

    public Dictionary<Guid, long> NameStamps { get; } = [];

    public long LastTimestamp { get; }

    /// <summary>True when this side's change (at its stamp) is later than the other's: (timestamp, activation id) order.</summary>
    public static bool IsLater(long stampA, Guid actA, long stampB, Guid actB) =>
        stampA != stampB ? stampA > stampB : actA.CompareTo(actB) > 0;
}
