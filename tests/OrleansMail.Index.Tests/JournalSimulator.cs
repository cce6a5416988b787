using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Index.Tests;

/// <summary>
/// Plays a writer the way UserGrain does: picks a random valid change for the current state, allocating UIDs
/// and modseqs from the state's counters, and applies it. Seeded, so every failing case replays.
/// </summary>
internal sealed class JournalSimulator
{
    private static readonly string[] Names = ["INBOX", "Work", "Work/Plans", "Lists", "Sent", "Trash", "Archive"];
    private static readonly string[] KeywordPool = ["$Forwarded", "$Junk", "todo", "later"];

    /// <summary>The one id of every user's INBOX in these histories.</summary>
    public static readonly Guid InboxId = new("1b0c0000-0000-0000-0000-000000000001");

    private readonly Random _random;
    private readonly List<Guid> _sharedBodies;
    private long _clock;

    public JournalSimulator(int seed, UserIndex state, long clock, List<Guid>? sharedBodies = null)
    {
        _random = new Random(seed);
        State = state;
        _clock = clock;
        _sharedBodies = sharedBodies ?? [];
    }

    public UserIndex State { get; }

    public List<JournalEntry> Entries { get; } = [];

    public void Run(int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            var e = Next();
            if (e is not null)
            {
                State.Apply(e);
                Entries.Add(e);
            }
        }
    }

    private JournalEntry? Next()
    {
        _clock += _random.Next(1, 1000);
        var boxes = State.Mailboxes.Values.OrderBy(m => m.Id).ToList();
        var roll = _random.Next(100);
        if (boxes.Count == 0 || roll < 8)
        {
            var name = Names[_random.Next(Names.Length)];
            if (State.FindMailbox(name) is not null)
            {
                name += "-" + _random.Next(1000);
            }

            // INBOX has one id per user, as in UserGrain: two writers that each create it create the same mailbox.
            var id = name == "INBOX" ? InboxId : NewGuid();
            // UIDVALIDITY from the clock, as UserGrain takes it: a later writer's is higher.
            return new MailboxCreated(_clock, id, name, SpecialUse.None, Math.Max(State.LastUidValidity + 1, (uint)(_clock / 1000)));
        }

        var box = boxes[_random.Next(boxes.Count)];
        if (roll < 11 && box.Name != "INBOX" && State.FindMailbox(box.Name + "x") is null)
        {
            return new MailboxRenamed(_clock, box.Id, box.Name + "x");
        }

        if (roll < 13 && box.Name != "INBOX")
        {
            return new MailboxDeleted(_clock, box.Id);
        }

        if (roll < 16)
        {
            return new SubscriptionChanged(_clock, box.Name, _random.Next(2) == 0);
        }

        if (roll < 55 || box.Messages.Count == 0)
        {
            // Now and then the same body arrives on another writer too (recovery, a returning node).
            var body = _sharedBodies.Count > 0 && _random.Next(10) == 0 ? _sharedBodies[_random.Next(_sharedBodies.Count)] : NewGuid();
            if (State.IsBodyReferenced(body))
            {
                body = NewGuid();
            }

            return new MessageAdded(_clock, box.Id, new MessageRecord
            {
                RecordId = body,
                BodyId = body,
                Uid = box.UidNext,
                ModSeq = box.HighestModSeq + 1,
                Flags = (MessageFlags)_random.Next(32),
                Keywords = _random.Next(4) == 0 ? [KeywordPool[_random.Next(KeywordPool.Length)]] : Keywords.None,
                InternalDate = _clock,
                SaveDate = _clock,
                Size = _random.Next(100, 100_000),
            });
        }

        var target = box.Messages[_random.Next(box.Messages.Count)];
        if (roll < 80)
        {
            var kw = _random.Next(3) == 0 ? Keywords.Normalize([KeywordPool[_random.Next(KeywordPool.Length)]]) : target.Keywords;
            return new FlagsChanged(_clock, box.Id, target.Uid, (MessageFlags)_random.Next(32), kw, box.HighestModSeq + 1);
        }

        if (roll < 92)
        {
            var uids = box.Messages.Where(_ => _random.Next(3) == 0).Select(r => (r.Uid, r.Uid)).Append((target.Uid, target.Uid));
            return new MessagesExpunged(_clock, box.Id, UidSet.FromRanges(uids), box.HighestModSeq + 1);
        }

        // COPY: a new record that shares the body.
        var destination = boxes[_random.Next(boxes.Count)];
        return new MessageAdded(_clock, destination.Id, target with { RecordId = NewGuid(), Uid = destination.UidNext, ModSeq = destination.HighestModSeq + 1 });
    }

    private Guid NewGuid()
    {
        Span<byte> b = stackalloc byte[16];
        _random.NextBytes(b);
        return new Guid(b);
    }
}
