using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>"What changed since" from a mailbox's change log is exactly what a scan of its records finds, however far back it is asked.</summary>
public sealed class ChangeLogPropertyTests
{
    private static readonly Guid Box = Guid.NewGuid();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_log_answers_as_the_scan_does_through_adds_flag_changes_expunges_and_overflow(int seed)
    {
        var random = new Random(seed);
        var index = new UserIndex();
        index.Apply(new MailboxCreated(1, Box, "INBOX", SpecialUse.None, 1));
        var mailbox = index.FindMailbox(Box)!;
        var answeredFromLog = 0;
        for (var step = 0; step < 3 * MailboxState.ChangeLogLength; step++)
        {
            var next = mailbox.HighestModSeq + 1;
            var uids = mailbox.Messages.Select(r => r.Uid).ToList();
            var roll = random.Next(10);
            if (uids.Count == 0 || roll < 4)
            {
                var id = Guid.NewGuid();
                index.Apply(new MessageAdded(step, Box, new MessageRecord { RecordId = id, BodyId = id, Uid = mailbox.UidNext, ModSeq = next, Size = 1 }));
            }
            else if (roll < 9)
            {
                // Mostly recent messages, now and then an old one: the log holds each UID's latest change.
                var uid = random.Next(3) == 0 ? uids[random.Next(uids.Count)] : uids[Math.Max(0, uids.Count - 1 - random.Next(5))];
                index.Apply(new FlagsChanged(step, Box, uid, (MessageFlags)random.Next(32), [], next));
            }
            else
            {
                index.Apply(new MessagesExpunged(step, Box, UidSet.Of(uids[random.Next(uids.Count)]), next));
            }

            foreach (var since in new[] { 0UL, mailbox.HighestModSeq, mailbox.HighestModSeq - 1, mailbox.HighestModSeq - (ulong)random.Next(1, 60), (ulong)random.Next(0, (int)mailbox.HighestModSeq) })
            {
                var scan = mailbox.Messages.Where(r => r.ModSeq > since).Select(r => (r.Uid, r.ModSeq)).ToList();
                if (mailbox.TryChangesSince(since, out var logged))
                {
                    answeredFromLog++;
                    Assert.Equal(scan, logged.Select(r => (r.Uid, r.ModSeq)).ToList());
                }
            }
        }

        // Recent questions, the common case of an IDLE session, came from the log.
        Assert.True(answeredFromLog > 3 * MailboxState.ChangeLogLength, $"only {answeredFromLog} answers came from the log");

        // A copy (a merge's, a snapshot's) keeps no log: it answers by scanning until asked once.
        var copy = mailbox.Clone();
        Assert.False(copy.TryChangesSince(copy.HighestModSeq - 1, out _));
        Assert.True(copy.TryChangesSince(copy.HighestModSeq, out var none));
        Assert.Empty(none);
    }
}
