using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// CONDSTORE and QRESYNC (RFC 7162): which of them the client enabled, and how that changes what the session
/// tells it (MODSEQ in every FETCH caused by a flag change, VANISHED instead of EXPUNGE).
/// </summary>
internal sealed partial class ImapSession
{
    private bool _condStore;
    private bool _qresync;

    /// <summary>RFC 7162 §3.1: the first CONDSTORE-enabling command turns it on for the rest of the session.</summary>
    private void EnableCondStore() => _condStore = true;

    /// <summary>An untagged FETCH for a flag change (ours or another session's): with CONDSTORE it carries UID and MODSEQ (RFC 7162 §3.2).</summary>
    private void WriteFlagsFetch(SelectedMailbox view, MessageView message, bool includeFlags = true)
    {
        _out.Raw($"* {view.SequenceOf(message.Uid)} FETCH (UID {message.Uid}");
        if (includeFlags)
        {
            _out.Raw(" FLAGS ").Raw(ImapFormat.Flags(message.Flags, message.Keywords, view.IsRecent(message.Uid)));
        }

        if (_condStore)
        {
            _out.Raw(" MODSEQ (").Number((long)message.ModSeq).Raw(")");
        }

        _out.Raw(")\r\n");
    }

    /// <summary>Expunges as EXPUNGE responses, or once QRESYNC is on as one VANISHED (RFC 7162 §3.2.10).</summary>
    private void WriteExpunges(List<(uint Uid, int Sequence)> removed)
    {
        if (removed.Count == 0)
        {
            return;
        }

        if (_qresync)
        {
            _out.Raw("* VANISHED ").Raw(SelectedMailbox.ToUidSet(removed.Select(r => r.Uid)).ToString()).CrLf();
            return;
        }

        foreach (var (_, sequence) in removed)
        {
            _out.Raw($"* {sequence} EXPUNGE\r\n");
        }
    }

    /// <summary>
    /// SELECT/EXAMINE ... (QRESYNC (uidvalidity modseq [known-uids])): after the usual answers, what changed since
    /// the client's modseq: VANISHED (EARLIER) for what went away, FETCH for what changed (RFC 7162 §3.2.5).
    /// When the expunge history no longer reaches back that far, the vanished set is the known UIDs that are gone.
    /// </summary>
    private async Task WriteQuickResyncAsync(SelectedMailbox view, uint uidValidity, ulong modSeq, UidSet? knownUids)
    {
        if (uidValidity != view.UidValidity)
        {
            return; // the client's cache is for another incarnation: it gets the full SELECT answer only
        }

        var changes = await Grain.GetChangesAsync(view.Id, modSeq).ConfigureAwait(false);
        WriteVanishedEarlier(view, changes, knownUids ?? UidSet.Range(1, Math.Max(1, view.UidNext) - 1));

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
    private async Task WriteVanishedEarlierAsync(SelectedMailbox view, ImapSequenceSet set, ulong changedSince)
    {
        var changes = await Grain.GetChangesAsync(view.Id, changedSince).ConfigureAwait(false);
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
            _out.Raw("* VANISHED (EARLIER) ").Raw(vanished.ToString()).CrLf();
        }
    }
}
