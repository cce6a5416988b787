using FsCheck.Xunit;
using OrleansMail.Errors;
using OrleansMail.Index.Commands;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>
/// The write path without a silo: random sequences of mailbox commands, each turned into journal entries by
/// <see cref="MailboxCommands"/> and applied as the user's grain applies them. Whatever the sequence, UIDs are
/// never reused, mod-sequences never go back, UIDVALIDITYs only rise, budgets hold, a refused command changes
/// nothing, and replaying the journal on an empty index gives the state.
/// </summary>
public sealed class MailboxCommandsPropertyTests
{
    private static readonly string[] Names = ["INBOX", "Sent", "Trash", "a", "a/b", "a/b/c", "b", "Archive", "x/y", "bad\u0000name", ""];
    private static readonly string[] KeywordPool = ["$Forwarded", "$Junk", "work", "home", "k1", "k2", "k3", "k4"];

    [Property(MaxTest = 200)]
    public void Any_command_sequence_keeps_the_write_path_promises(int seed)
    {
        var random = new Random(seed);
        var limits = new MailboxLimits(MaxMailboxes: 6, MaxKeywordsPerMailbox: 5, ExpungeHistoryLimit: 4);
        var born = DateTimeOffset.UtcNow;
        var commands = new MailboxCommands(new MailboxIdentity("user-" + seed, () => born, TimeProvider.System), limits, TimeProvider.System);
        var index = new UserIndex();
        var journal = new List<JournalEntry>();
        // Per mailbox incarnation: a deleted well-known folder comes back with its id but a new UIDVALIDITY.
        var uidsEverGiven = new Dictionary<(Guid, uint), uint>();

        for (var step = 0; step < 120; step++)
        {
            var before = IndexDump.Of(index);
            var highestBefore = index.Mailboxes.Values.ToDictionary(m => m.Id, m => m.HighestModSeq);
            var lastUidValidity = index.LastUidValidity;
            List<JournalEntry> entries;
            try
            {
                entries = Next(random, commands, index);
            }
            catch (MailStoreException)
            {
                Assert.Equal(before, IndexDump.Of(index));
                continue;
            }

            foreach (var entry in entries)
            {
                switch (entry)
                {
                    case MailboxCreated c:
                        Assert.True(c.UidValidity > lastUidValidity, $"UIDVALIDITY went back or repeated: {c} after {lastUidValidity} in {string.Join(", ", entries)}");
                        lastUidValidity = c.UidValidity;
                        break;
                    case MessageAdded a:
                        var incarnation = (a.MailboxId, index.FindMailbox(a.MailboxId)!.UidValidity);
                        Assert.True(a.Record.Uid > uidsEverGiven.GetValueOrDefault(incarnation), "a UID was handed out twice");
                        uidsEverGiven[incarnation] = a.Record.Uid;
                        Assert.True(a.Record.ModSeq > highestBefore.GetValueOrDefault(a.MailboxId), "a new record's mod-sequence is not above the mailbox's");
                        break;
                    case FlagsChanged f:
                        Assert.True(f.ModSeq > highestBefore[f.MailboxId], "a flag change's mod-sequence is not above the mailbox's");
                        break;
                    case MessagesExpunged x:
                        Assert.True(x.ModSeq > highestBefore[x.MailboxId], "an expunge's mod-sequence is not above the mailbox's");
                        break;
                }

                index.Apply(entry);
                journal.Add(entry);
            }

            foreach (var mailbox in index.Mailboxes.Values)
            {
                Assert.True(mailbox.HighestModSeq >= highestBefore.GetValueOrDefault(mailbox.Id), "HIGHESTMODSEQ went back");
                for (var i = 1; i < mailbox.Messages.Count; i++)
                {
                    Assert.True(mailbox.Messages[i - 1].Uid < mailbox.Messages[i].Uid, "UIDs out of order");
                }

                Assert.True(mailbox.Messages.Count == 0 || mailbox.Messages[^1].Uid < mailbox.UidNext, "a UID at or above UIDNEXT");
                Assert.True(mailbox.Messages.SelectMany(m => m.Keywords).Distinct(StringComparer.Ordinal).Count() <= limits.MaxKeywordsPerMailbox, "keyword budget exceeded");
            }

            // INBOX is exempt: a user always has one.
            Assert.True(index.Mailboxes.Values.Count(m => m.Name != MailboxName.Inbox) <= limits.MaxMailboxes, "mailbox budget exceeded");
            Assert.True(index.Subscriptions.Count <= limits.MaxMailboxes, "subscription budget exceeded");
        }

        var replayed = new UserIndex();
        replayed.ApplyAll(journal);
        Assert.Equal(IndexDump.Of(index), IndexDump.Of(replayed));
    }

    private static List<JournalEntry> Next(Random random, MailboxCommands commands, UserIndex index)
    {
        var mailboxes = index.Mailboxes.Values.ToList();
        MailboxState? Any() => mailboxes.Count == 0 ? null : mailboxes[random.Next(mailboxes.Count)];
        UidSet SomeUids(MailboxState m) => random.Next(4) == 0
            ? UidSet.Range(1, uint.MaxValue)
            : UidSet.Range((uint)random.Next(1, (int)m.UidNext + 1), (uint)random.Next(1, (int)m.UidNext + 2));
        string[] SomeKeywords() => [.. Enumerable.Range(0, random.Next(3)).Select(_ => KeywordPool[random.Next(KeywordPool.Length)])];

        switch (random.Next(9))
        {
            case 0:
                return commands.Create(index, Names[random.Next(Names.Length)]);
            case 1:
                var from = Names[random.Next(Names.Length)];
                var to = Names[random.Next(Names.Length)];
                return MailboxCommands.IsInboxRename(index, from, to) ? [] : commands.Rename(index, from, to);
            case 2:
                return commands.Delete(index, Names[random.Next(Names.Length)]);
            case 3:
                return commands.Subscribe(index, Names[random.Next(Names.Length)], random.Next(2) == 0);
            case 4 or 5:
                var target = commands.Find(index, Names[random.Next(4)], out var creation);
                if (target is null)
                {
                    return creation;
                }

                return [commands.Add(target, Guid.NewGuid(), (MessageFlags)random.Next(32), SomeKeywords(), 0, 100)];
            case 6:
                if (Any() is not { } stored)
                {
                    return [];
                }

                var operation = (FlagOperation)random.Next(3);
                var unchangedSince = random.Next(3) == 0 ? (ulong)random.Next(1, (int)stored.HighestModSeq + 1) : 0UL;
                return [.. commands.StoreFlags(stored, SomeUids(stored), operation, (MessageFlags)random.Next(32), SomeKeywords(), unchangedSince).Entries];
            case 7:
                return Any() is { } expunging ? commands.Expunge(expunging, random.Next(2) == 0 ? null : SomeUids(expunging), out _) : [];
            default:
                if (Any() is not { } source || Any() is not { } destination)
                {
                    return [];
                }

                var records = source.Select(SomeUids(source)).ToList();
                return [.. commands.Copy(source, records, destination, move: random.Next(2) == 0).Entries];
        }
    }
}
