using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;

namespace OrleansMail.Index.Merge;

/// <summary>A side's journal replayed onto a copy of the base, remembering when each record's flags and each mailbox's name last changed.</summary>
public sealed class ReplayedSide
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
                        if (State.FindMailbox(f.MailboxId)?.FindByUid(f.Uid) is { } rec)
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
                case MetadataChanged { Value: null } m:
                    MetadataRemovals[new MetadataKey(m.MailboxId, m.Entry)] = e.Timestamp;
                    break;
            }

            LastTimestamp = Math.Max(LastTimestamp, e.Timestamp);
            State.Apply(e);
        }
    }

    private Dictionary<Guid, MailboxState>? _mailboxOfRecord;

    /// <summary>The mailbox that holds a record at the end of this side, if any (built once: a merge asks per one-sided record).</summary>
    public MailboxState? MailboxOf(Guid recordId)
    {
        _mailboxOfRecord ??= State.Mailboxes.Values.SelectMany(m => m.Messages.Select(r => (r.RecordId, m))).ToDictionary(x => x.RecordId, x => x.m);
        return _mailboxOfRecord.GetValueOrDefault(recordId);
    }

    private ReplayedSide(Guid activationId, UserIndex state)
    {
        ActivationId = activationId;
        State = state;
    }

    /// <summary>
    /// A side known by its state (e.g. the live index, perhaps already merged once) rather than by replay; the
    /// entries, when available, only supply change stamps for tie-breaks.
    /// </summary>
    public static ReplayedSide FromState(UserIndex state, Guid activationId, IEnumerable<JournalEntry> stampSource)
    {
        var side = new ReplayedSide(activationId, state);
        long last = 0;
        foreach (var e in stampSource)
        {
            switch (e)
            {
                case MessageAdded a:
                    side.FlagStamps[a.Record.RecordId] = e.Timestamp;
                    break;
                case FlagsChanged f when state.FindMailbox(f.MailboxId)?.FindByUid(f.Uid) is { } rec:
                    side.FlagStamps[rec.RecordId] = e.Timestamp;
                    break;
                case MailboxRenamed r:
                    side.NameStamps[r.MailboxId] = e.Timestamp;
                    break;
                case MailboxCreated c:
                    side.NameStamps[c.MailboxId] = e.Timestamp;
                    break;
                case MetadataChanged { Value: null } m:
                    side.MetadataRemovals[new MetadataKey(m.MailboxId, m.Entry)] = e.Timestamp;
                    break;
            }

            last = Math.Max(last, e.Timestamp);
        }

        side.LastTimestamp = last;
        return side;
    }

    public Guid ActivationId { get; }

    public UserIndex State { get; }

    public Dictionary<Guid, long> FlagStamps { get; } = [];

    public Dictionary<Guid, long> NameStamps { get; } = [];

    /// <summary>When this side removed a METADATA entry (a removal leaves no value to carry its stamp).</summary>
    public Dictionary<MetadataKey, long> MetadataRemovals { get; } = [];

    public long LastTimestamp { get; private set; }

    /// <summary>True when this side's change (at its stamp) is later than the other's: (timestamp, activation id) order.</summary>
    public static bool IsLater(long stampA, Guid actA, long stampB, Guid actB) =>
        stampA != stampB ? stampA > stampB : actA.CompareTo(actB) > 0;
}
