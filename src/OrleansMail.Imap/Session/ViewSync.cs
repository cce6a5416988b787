using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// Keeps the selected view in step with the store and tells the client at the points RFC 3501 §7.4.1 allows:
/// new messages as EXISTS, other sessions' flag changes as FETCH (with MODSEQ under CONDSTORE), expunges as
/// EXPUNGE or, under QRESYNC, VANISHED (RFC 7162).
/// </summary>
internal sealed class ViewSync(ImapSessionContext session, MailboxNotifications notifications, SearchContextUpdates contexts)
{
    private ImapResponseWriter Out => session.Out;

    /// <summary>
    /// Brings the selected view up to date: expunges are told when <paramref name="allowExpunge"/>, else they wait
    /// as pending (the client may be counting sequence numbers). Without <paramref name="othersChanges"/> (a NOTIFY
    /// that leaves out the selected mailbox, RFC 5465 §3.1) only the session's own expunges are told.
    /// </summary>
    public async Task SyncAsync(bool allowExpunge, bool force = false, bool othersChanges = true)
    {
        if (session.View is not { } view)
        {
            return;
        }

        await notifications.RenewIfDueAsync().ConfigureAwait(false);
        if (!othersChanges || (!force && !view.Behind))
        {
            if (allowExpunge)
            {
                ApplyExpunges(view);
            }

            return;
        }

        view.Dirty = false;
        ChangeSet changes;
        try
        {
            changes = await session.MailboxGrain.GetChangesAsync(view.Id, view.SyncedModSeq).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound)
        {
            // The mailbox was deleted (or renamed away) by another session.
            Out.Raw("* BYE The selected mailbox no longer exists\r\n");
            session.State = new LogoutState();
            return;
        }

        if (!changes.VanishedComplete || changes.UidValidity != view.UidValidity)
        {
            changes = await session.MailboxGrain.GetChangesAsync(view.Id, 0).ConfigureAwait(false);
            var present = changes.Changed.Select(m => m.Uid).ToHashSet();
            foreach (var uid in view.Uids.Where(u => !present.Contains(u)).ToList())
            {
                view.MarkExpunged(uid);
            }
        }
        else
        {
            foreach (var uid in changes.Vanished)
            {
                view.MarkExpunged(uid);
            }
        }

        AnnounceKeywords(view, changes.Changed);
        var added = false;
        foreach (var message in changes.Changed)
        {
            if (view.Add(message))
            {
                added = true;
            }
            else if (view.Update(message) && !view.IsPendingExpunge(message.Uid))
            {
                WriteFlagsFetch(view, message);
            }
        }

        view.SyncedModSeq = Math.Max(view.SyncedModSeq, changes.HighestModSeq);
        view.UidNext = Math.Max(view.UidNext, changes.UidNext);
        if (allowExpunge)
        {
            ApplyExpunges(view);
        }

        if (added)
        {
            Out.Raw($"* {view.Count} EXISTS\r\n");
            if (view.ShowsRecent)
            {
                var firstRecent = await session.MailboxGrain.ClaimRecentAsync(view.Id, view.ReadOnly ? 0 : view.LargestUid).ConfigureAwait(false);
                if (view.MarkRecentFrom(firstRecent) > 0)
                {
                    Out.Raw($"* {view.RecentCount} RECENT\r\n");
                }
            }
        }

        await contexts.UpdateAsync(view, changes.Changed).ConfigureAwait(false);
    }

    /// <summary>Expunges that may be told now: searches kept up to date lose them first, while their numbers hold.</summary>
    private void ApplyExpunges(SelectedMailbox view)
    {
        var removed = view.ApplyExpunges();
        contexts.WriteRemovals(view, removed);
        WriteExpunges(removed);
    }

    /// <summary>
    /// Before any FETCH carries a keyword new to the mailbox, every session with it selected hears the new flag list
    /// (RFC 3501 §7.2.6: FLAGS, and the PERMANENTFLAGS that go with it).
    /// </summary>
    public void AnnounceKeywords(SelectedMailbox view, IEnumerable<MessageView> messages)
    {
        var fresh = false;
        foreach (var keyword in messages.SelectMany(m => m.Keywords))
        {
            fresh |= view.AnnouncedKeywords.Add(keyword);
        }

        if (fresh)
        {
            WriteFlags(view);
        }
    }

    /// <summary>FLAGS and PERMANENTFLAGS for the keywords announced so far, as SELECT sends them.</summary>
    public void WriteFlags(SelectedMailbox view)
    {
        var keywords = view.AnnouncedKeywords.Order(StringComparer.Ordinal).ToList();
        var keywordList = keywords.Count == 0 ? "" : " " + string.Join(' ', keywords);
        Out.Raw($"* FLAGS ({ImapFormat.SystemFlags}{keywordList})\r\n");
        Out.Raw(view.ReadOnly
            ? "* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n"
            : $"* OK [PERMANENTFLAGS ({ImapFormat.SystemFlags}{keywordList} \\*)] Flags permitted\r\n");
    }

    /// <summary>An untagged FETCH for a flag change (ours or another session's): with CONDSTORE it carries UID and MODSEQ (RFC 7162 §3.2).</summary>
    public void WriteFlagsFetch(SelectedMailbox view, MessageView message, bool includeFlags = true)
    {
        Out.Raw($"* {view.SequenceOf(message.Uid)} FETCH (UID {message.Uid}");
        if (includeFlags)
        {
            Out.Raw(" FLAGS ").Raw(ImapFormat.Flags(message.Flags, message.Keywords, view.IsRecent(message.Uid)));
        }

        if (session.Extensions.CondStore)
        {
            Out.Raw(" MODSEQ (").Number((long)message.ModSeq).Raw(")");
        }

        Out.Raw(")\r\n");
    }

    /// <summary>Expunges as EXPUNGE responses, or once QRESYNC is on as one VANISHED (RFC 7162 §3.2.10).</summary>
    public void WriteExpunges(List<(uint Uid, int Sequence)> removed)
    {
        if (removed.Count == 0)
        {
            return;
        }

        if (session.Extensions.QResync)
        {
            Out.Raw("* VANISHED ").Raw(SelectedMailbox.ToUidSet(removed.Select(r => r.Uid)).ToString()).CrLf();
            return;
        }

        foreach (var (_, sequence) in removed)
        {
            Out.Raw($"* {sequence} EXPUNGE\r\n");
        }
    }

    /// <summary>
    /// SELECT/EXAMINE ... (QRESYNC (uidvalidity modseq [known-uids])): after the usual answers, what changed since
    /// the client's modseq: VANISHED (EARLIER) for what went away, FETCH for what changed (RFC 7162 §3.2.5).
    /// When the expunge history no longer reaches back that far, the vanished set is the known UIDs that are gone.
    /// </summary>
    public async Task WriteQuickResyncAsync(SelectedMailbox view, QresyncParameters parameters)
    {
        if (parameters.UidValidity != view.UidValidity)
        {
            return; // the client's cache is for another incarnation: it gets the full SELECT answer only
        }

        var changes = await session.MailboxGrain.GetChangesAsync(view.Id, parameters.ModSeq).ConfigureAwait(false);
        WriteVanishedEarlier(view, changes, parameters.KnownUids ?? UidSet.Range(1, Math.Max(1, view.UidNext) - 1));

        // Without a complete history since the client's modseq (trimmed, or an unclean takeover moved the floor),
        // the client's flags may come from changes this store no longer has: resend every message's flags.
        var changed = changes.VanishedComplete ? changes.Changed.Select(m => m.Uid) : view.Uids;
        foreach (var uid in changed.ToList())
        {
            if (view.TryGet(uid, out var current))
            {
                WriteFlagsFetch(view, current);
            }
        }
    }

    /// <summary>UID FETCH ... (CHANGEDSINCE m VANISHED): the requested UIDs expunged after m (RFC 7162 §3.2.6).</summary>
    public async Task WriteVanishedEarlierAsync(SelectedMailbox view, ImapSequenceSet set, ulong changedSince)
    {
        var changes = await session.MailboxGrain.GetChangesAsync(view.Id, changedSince).ConfigureAwait(false);
        var requested = UidSet.FromRanges(set.Resolve(Math.Max(view.LargestUid, view.UidNext - 1)));
        WriteVanishedEarlier(view, changes, requested.Intersect(UidSet.Range(1, Math.Max(1, view.UidNext) - 1)));
    }

    /// <summary>
    /// VANISHED (EARLIER) for the UIDs in <paramref name="scope"/> that are gone: from the expunge history when it
    /// reaches back far enough, else every UID of the scope the mailbox no longer has.
    /// </summary>
    private void WriteVanishedEarlier(SelectedMailbox view, ChangeSet changes, UidSet scope)
    {
        var present = SelectedMailbox.ToUidSet(view.Uids);
        var vanished = (changes.VanishedComplete ? changes.Vanished.Intersect(scope) : scope).Except(present);
        if (!vanished.IsEmpty)
        {
            Out.Raw("* VANISHED (EARLIER) ").Raw(vanished.ToString()).CrLf();
        }
    }
}
