using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Index.Merge;

/// <summary>
/// What a journal brings back when the checkpoint it started from is no longer kept (docs/architecture.md, "late
/// journals"): a node away for longer than the kept history. Without its base no three-way merge is possible, so
/// only what the journal itself fully describes is taken: the messages it added and still held at its end, with
/// their final flags, filed as recovery would file them (fresh UIDs above every UIDNEXT shown). Its flag changes and
/// expunges of older messages cannot be placed and are counted, not applied: the promise is that no acknowledged
/// message is lost, and that nothing deleted comes back.
/// </summary>
public static class JournalSalvage
{
    /// <summary>The entries that bring <paramref name="chain"/>'s surviving messages into <paramref name="current"/>.</summary>
    public static SalvageResult Salvage(UserIndex current, IReadOnlyList<JournalEntry> chain, long now, Func<uint, uint> nextUidValidity, Guid inboxId)
    {
        // What the chain added and still held at its end, by mailbox and UID (the chain's own UIDs).
        var held = new Dictionary<Guid, SortedDictionary<uint, MessageRecord>>();
        var names = new Dictionary<Guid, (string Name, SpecialUse Use)>();
        var ignored = 0;
        foreach (var e in chain)
        {
            switch (e)
            {
                case MailboxCreated c:
                    names[c.MailboxId] = (c.Name, c.SpecialUse);
                    break;
                case MailboxRenamed r when names.TryGetValue(r.MailboxId, out var n):
                    names[r.MailboxId] = (r.Name, n.Use);
                    break;
                case MailboxDeleted d:
                    held.Remove(d.MailboxId);
                    if (!names.ContainsKey(d.MailboxId))
                    {
                        ignored++; // a mailbox older than the chain: its deletion cannot be placed
                    }

                    break;
                case MessageAdded a:
                    if (!held.TryGetValue(a.MailboxId, out var box))
                    {
                        held[a.MailboxId] = box = [];
                    }

                    box[a.Record.Uid] = a.Record;
                    break;
                case FlagsChanged f when held.GetValueOrDefault(f.MailboxId)?.TryGetValue(f.Uid, out var r) == true:
                    held[f.MailboxId][f.Uid] = r! with { Flags = f.Flags, Keywords = f.Keywords };
                    break;
                case FlagsChanged:
                    ignored++;
                    break;
                case MessagesExpunged x:
                    {
                        var removed = 0L;
                        if (held.TryGetValue(x.MailboxId, out var from))
                        {
                            var gone = x.Uids.Count <= from.Count ? x.Uids.Where(from.ContainsKey).ToList() : from.Keys.Where(x.Uids.Contains).ToList();
                            foreach (var uid in gone)
                            {
                                from.Remove(uid);
                            }

                            removed = gone.Count;
                        }

                        // Expunges of messages older than the chain: their UIDs may since name other messages.
                        if (x.Uids.Count > removed)
                        {
                            ignored++;
                        }

                        break;
                    }
            }
        }

        var work = current.Clone();
        var entries = new List<JournalEntry>();
        var salvaged = 0;
        var skipped = 0;

        // A message the journal added and then expunged, moved or deleted with its mailbox: the live side can only
        // hold it from recovery, which re-indexed the body without knowing what came next. The journal knows best.
        var stillHeld = held.Values.SelectMany(b => b.Values).Select(r => r.RecordId).ToHashSet();
        var undone = chain.OfType<MessageAdded>().Select(a => a.Record.RecordId).Where(id => !stillHeld.Contains(id)).ToHashSet();
        foreach (var box in work.Mailboxes.Values.ToList())
        {
            var uids = box.Messages.Where(r => undone.Contains(r.RecordId)).Select(r => (r.Uid, r.Uid)).ToList();
            if (uids.Count > 0)
            {
                var e = new MessagesExpunged(now, box.Id, UidSet.FromRanges(uids), box.HighestModSeq + 1);
                work.Apply(e);
                entries.Add(e);
            }
        }

        foreach (var (mailboxId, heldRecord) in held.OrderBy(h => h.Key).SelectMany(h => h.Value.Values.Select(r => (h.Key, r))))
        {
            var record = heldRecord;
            var refiled = false;
            if (work.FindRecord(record.RecordId) is { } here && MailboxName.IsInbox(here.Mailbox.Name) && here.Mailbox.Id != mailboxId && !IsInboxIn(mailboxId, names))
            {
                // Recovery filed it into INBOX because the journal's mailbox did not exist yet: file it where the
                // user's rule or client put it.
                var e = new MessagesExpunged(now, here.Mailbox.Id, UidSet.Of(here.Record.Uid), here.Mailbox.HighestModSeq + 1);
                work.Apply(e);
                entries.Add(e);
                record = record with { Flags = here.Record.Flags, Keywords = here.Record.Keywords };
                refiled = true;
            }

            if (!refiled && (work.FindRecord(record.RecordId) is not null
                || (record.RecordId == record.BodyId && (work.IsBodyReferenced(record.BodyId) || work.Tombstones.ContainsKey(record.BodyId)))))
            {
                // Already here (recovery re-indexed the delivery, or an earlier merge brought it), or this side
                // knew the delivery and deleted or moved it since: either way not a message to add.
                skipped++;
                continue;
            }

            var target = TargetMailbox(work, mailboxId, names, entries, now, nextUidValidity, inboxId);
            var added = new MessageAdded(now, target.Id, record with
            {
                Uid = target.UidNext,
                ModSeq = target.HighestModSeq + 1,
                SaveDate = now,
                SummaryBatch = -1,
            });
            work.Apply(added);
            entries.Add(added);
            salvaged++;
        }

        foreach (var stored in chain.OfType<SummaryBatchStored>().Where(s => !work.SummaryBatches.Contains(s.BatchName, StringComparer.Ordinal)))
        {
            var e = stored with { Timestamp = now };
            work.Apply(e);
            entries.Add(e);
        }

        // A METADATA change stands on its own: it is placed when its mailbox (or the server) is still there and
        // nothing later changed the entry here; its own time is kept, so a merge still orders it.
        foreach (var change in chain.OfType<MetadataChanged>())
        {
            var key = new MetadataKey(change.MailboxId, change.Entry);
            var placeable = change.MailboxId == Guid.Empty || work.FindMailbox(change.MailboxId) is not null;
            if (placeable && (!work.Metadata.TryGetValue(key, out var present) || present.Stamp < change.Timestamp))
            {
                work.Apply(change);
                entries.Add(change);
            }
        }

        return new SalvageResult(entries, salvaged, skipped, ignored);
    }

    private static bool IsInboxIn(Guid mailboxId, Dictionary<Guid, (string Name, SpecialUse Use)> names) =>
        names.TryGetValue(mailboxId, out var n) && MailboxName.IsInbox(n.Name);

    private static MailboxState TargetMailbox(UserIndex work, Guid mailboxId, Dictionary<Guid, (string Name, SpecialUse Use)> names, List<JournalEntry> entries, long now, Func<uint, uint> nextUidValidity, Guid inboxId)
    {
        if (work.FindMailbox(mailboxId) is { } same)
        {
            return same;
        }

        if (names.TryGetValue(mailboxId, out var n))
        {
            if (work.FindMailbox(n.Name) is { } named)
            {
                return named;
            }

            return Create(mailboxId, n.Name, n.Use);
        }

        return work.FindMailbox(MailboxName.Inbox) ?? Create(inboxId, MailboxName.Inbox, SpecialUse.None);

        MailboxState Create(Guid id, string name, SpecialUse use)
        {
            var created = new MailboxCreated(now, id, name, use, nextUidValidity(work.LastUidValidity));
            work.Apply(created);
            entries.Add(created);
            return work.FindMailbox(id)!;
        }
    }
}
