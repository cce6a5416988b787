using FsCheck.Xunit;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Merge;
using OrleansMail.Index.Model;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>
/// What a QRESYNC client rebuilds (RFC 7162) from the index's bookkeeping, for random histories with crashes and
/// merges: the records changed after its modseq, the expunged ranges after it, and a full compare when the history
/// does not reach back (modseq below DELETEDMODSEQ). The rebuilt view must equal the truth, and no UID the client
/// knew may name another message.
/// </summary>
public sealed class ResyncPropertyTests
{
    private const uint Cap = 1000;

    private sealed record ClientView(Guid MailboxId, uint UidValidity, ulong ModSeq, Dictionary<uint, (Guid Body, MessageFlags Flags, string Keywords)> Messages);

    private static List<ClientView> ClientsOf(UserIndex index) => index.Mailboxes.Values
        .Select(m => new ClientView(m.Id, m.UidValidity, m.HighestModSeq, m.Messages.ToDictionary(r => r.Uid, r => (r.BodyId, r.Flags, Keys(r)))))
        .ToList();

    private static string Keys(MessageRecord r) => string.Join(" ", r.Keywords);

    /// <summary>The server's GetChangesAsync and the client's use of it, on one mailbox.</summary>
    private static Dictionary<uint, (Guid, MessageFlags, string)> Rebuild(ClientView client, MailboxState truth)
    {
        if (client.ModSeq < truth.DeletedModSeq)
        {
            return truth.Messages.ToDictionary(r => r.Uid, r => (r.BodyId, r.Flags, Keys(r)));
        }

        var view = new Dictionary<uint, (Guid, MessageFlags, string)>(client.Messages);
        foreach (var range in truth.Expunged.Where(e => e.ModSeq > client.ModSeq))
        {
            for (var uid = range.First; uid <= range.Last && uid >= range.First; uid++)
            {
                view.Remove(uid);
                if (uid == uint.MaxValue)
                {
                    break;
                }
            }
        }

        foreach (var r in truth.Messages.Where(r => r.ModSeq > client.ModSeq))
        {
            view[r.Uid] = (r.BodyId, r.Flags, Keys(r));
        }

        return view;
    }

    private static bool Holds(IEnumerable<ClientView> clients, UserIndex truth)
    {
        foreach (var client in clients)
        {
            var box = truth.FindMailbox(client.MailboxId);
            if (box is null || box.UidValidity != client.UidValidity)
            {
                continue; // gone or a new incarnation: the client starts over, as RFC 7162 says
            }

            var rebuilt = Rebuild(client, box);
            var expected = box.Messages.ToDictionary(r => r.Uid, r => (r.BodyId, r.Flags, Keys(r)));
            if (!rebuilt.Keys.Order().SequenceEqual(expected.Keys.Order()) || expected.Any(e => !rebuilt[e.Key].Equals(e.Value)))
            {
                return false;
            }

            if (client.Messages.Any(m => expected.TryGetValue(m.Key, out var now) && now.Item1 != m.Value.Body))
            {
                return false; // a UID now names another message
            }
        }

        return true;
    }

    [Property(MaxTest = 100)]
    public void A_client_that_kept_any_earlier_state_rebuilds_the_truth_after_more_writes(int seed)
    {
        var writer = new JournalSimulator(seed, new UserIndex(), 1_000_000);
        writer.Run(40);
        var early = ClientsOf(writer.State);
        writer.Run(15);
        var middle = ClientsOf(writer.State);
        writer.Run(30);
        Assert.True(Holds(early.Concat(middle), writer.State));
    }

    [Property(MaxTest = 100)]
    public void After_an_unclean_end_clients_of_the_dead_writer_and_of_its_base_rebuild_the_successors_truth(int seed)
    {
        var builder = new JournalSimulator(seed, new UserIndex(), 1_000_000);
        builder.Run(40);
        var @base = builder.State;
        var beforeTail = ClientsOf(@base);
        var dead = new JournalSimulator(seed * 7 + 1, @base.Clone(), 2_000_000);
        dead.Run(25);
        var sawTail = ClientsOf(dead.State);

        // The successor's takeover, as UserGrain.RaiseCounters does it: raise, then move the history floor.
        var successor = @base.Clone();
        foreach (var m in successor.Mailboxes.Values.ToList())
        {
            successor.Apply(new CountersRaised(1_500_000, m.Id, m.UidNext + Cap, m.HighestModSeq + Cap));
            successor.Apply(new ExpungeHistoryTrimmed(1_500_000, m.Id, successor.Mailboxes[m.Id].HighestModSeq));
        }

        var after = new JournalSimulator(seed * 7 + 2, successor, 3_000_000);
        after.Run(25);
        Assert.True(Holds(beforeTail.Concat(sawTail), after.State));
    }

    [Property(MaxTest = 100)]
    public void After_a_merge_clients_of_either_side_rebuild_the_merged_truth(int seed)
    {
        var s = Scenario.Generate(seed);
        var merged = IndexMerge.Merge(s.Base, s.A, s.B).Index;
        Assert.True(Holds(ClientsOf(s.StateA).Concat(ClientsOf(s.StateB)).Concat(ClientsOf(s.Base)), merged));
    }
}
