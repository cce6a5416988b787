using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Index.Merge;

/// <summary>
/// The GC rule at merge (docs/architecture.md, "late journals"): a journal can return after the grace period its
/// bodies were kept for, and a record it brings back whose body was collected meanwhile would name nothing. Such
/// records become expunges, reported to clients like any other.
/// </summary>
public static class CollectedBodies
{
    /// <summary>The bodies worth a look: those the merge brought in (a body the live index referenced was never collected).</summary>
    public static HashSet<Guid> BroughtIn(UserIndex merged, IReadOnlySet<Guid> referencedBefore) =>
        merged.Mailboxes.Values.SelectMany(m => m.Messages).Select(r => r.BodyId).Where(b => !referencedBefore.Contains(b)).ToHashSet();

    /// <summary>The expunges that remove every record naming a collected body, one entry per mailbox.</summary>
    public static List<MessagesExpunged> Expunges(UserIndex merged, IReadOnlySet<Guid> collected, long now)
    {
        var entries = new List<MessagesExpunged>();
        if (collected.Count == 0)
        {
            return entries;
        }

        foreach (var mailbox in merged.Mailboxes.Values.OrderBy(m => m.Id))
        {
            var gone = mailbox.Messages.Where(r => collected.Contains(r.BodyId)).Select(r => (r.Uid, r.Uid)).ToList();
            if (gone.Count > 0)
            {
                entries.Add(new MessagesExpunged(now, mailbox.Id, UidSet.FromRanges(gone), mailbox.HighestModSeq + 1));
            }
        }

        return entries;
    }
}
