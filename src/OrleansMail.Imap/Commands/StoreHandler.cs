using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>Commands that change the selected mailbox's messages: STORE (with UNCHANGEDSINCE, RFC 7162), COPY, MOVE (RFC 6851), EXPUNGE and UID EXPUNGE (RFC 4315).</summary>
internal sealed class StoreHandler(ImapSessionContext session, ViewSync sync)
{
    private readonly CrossUserCopy _crossUser = new(session);

    public async Task<string?> StoreAsync(StoreRequest request)
    {
        var conditional = request.UnchangedSince is not null;
        var unchangedSince = request.UnchangedSince ?? 0;
        if (conditional)
        {
            session.Extensions.EnableCondStore();
        }

        var view = WritableView();
        var uids = view.Resolve(request.Set, request.Uid).Where(u => !view.IsPendingExpunge(u)).ToList();
        var modified = UidSet.Empty;
        var changedUids = new HashSet<uint>();
        if (conditional && unchangedSince == 0)
        {
            // RFC 7162 §3.1.3: UNCHANGEDSINCE 0 always fails.
            modified = SelectedMailbox.ToUidSet(uids);
        }
        else if (uids.Count > 0)
        {
            var set = SelectedMailbox.ToUidSet(uids);
            if (view.PrivateSeen is not null && (request.Operation == FlagOperation.Replace || request.Flags.HasFlag(MessageFlags.Seen)))
            {
                changedUids.UnionWith(await StorePrivateSeenAsync(view, set, uids, request).ConfigureAwait(false));
            }

            foreach (var result in await StoreOnOwnerAsync(view, set, uids, request, unchangedSince).ConfigureAwait(false))
            {
                sync.AnnounceKeywords(view, result.Changed);
                foreach (var changed in result.Changed)
                {
                    view.Update(changed);
                    changedUids.Add(changed.Uid);
                }

                modified = modified.Union(result.Modified);
                view.TookInOwnChange(result.PreviousHighestModSeq, result.HighestModSeq);
            }
        }

        foreach (var uid in uids)
        {
            if (!modified.Contains(uid) && view.TryGet(uid, out var message))
            {
                WriteStored(request, view, message, changedUids.Contains(uid));
            }
        }

        if (!modified.IsEmpty)
        {
            var numbers = request.Uid ? modified.ToString() : string.Join(',', modified.Select(u => view.SequenceOf(u)));
            return $"[MODIFIED {numbers}] Conditional STORE failed for some messages";
        }

        return request.Uid ? "UID STORE completed" : "STORE completed";
    }

    /// <summary>
    /// The flags of a STORE that are the owner's: all of them in the user's own mailbox; in another user's, all but
    /// \Seen, which is the reader's own, so a FLAGS replacement becomes an addition and a removal that leave the
    /// owner's \Seen alone.
    /// </summary>
    private async Task<List<StoreResult>> StoreOnOwnerAsync(SelectedMailbox view, UidSet set, List<uint> uids, StoreRequest request, ulong unchangedSince)
    {
        var grain = session.MailboxGrain;
        if (view.PrivateSeen is null)
        {
            return [await grain.StoreFlagsAsync(view.Id, set, request.Operation, request.Flags, request.Keywords, unchangedSince).ConfigureAwait(false)];
        }

        var flags = request.Flags & ~MessageFlags.Seen;
        var results = new List<StoreResult>();
        if (request.Operation != FlagOperation.Replace)
        {
            if (flags != MessageFlags.None || request.Keywords.Length > 0)
            {
                results.Add(await grain.StoreFlagsAsync(view.Id, set, request.Operation, flags, request.Keywords, unchangedSince).ConfigureAwait(false));
            }

            return results;
        }

        const MessageFlags ownerFlags = MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Deleted | MessageFlags.Draft;
        var keep = new HashSet<string>(request.Keywords, StringComparer.OrdinalIgnoreCase);
        var dropKeywords = uids.SelectMany(u => view.TryGet(u, out var m) ? m.Keywords : []).Where(k => !keep.Contains(k)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (flags != MessageFlags.None || request.Keywords.Length > 0)
        {
            results.Add(await grain.StoreFlagsAsync(view.Id, set, FlagOperation.Add, flags, request.Keywords, unchangedSince).ConfigureAwait(false));
        }

        if ((ownerFlags & ~flags) is var drop && (view.Messages(uids).Any(m => (m.Flags & drop) != 0) || dropKeywords.Length > 0))
        {
            results.Add(await grain.StoreFlagsAsync(view.Id, set, FlagOperation.Remove, drop, dropKeywords, unchangedSince).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>\Seen in another user's mailbox: kept by this user's own grain (needs the "s" right there, RFC 4314 §4).</summary>
    private async Task<List<uint>> StorePrivateSeenAsync(SelectedMailbox view, UidSet set, List<uint> uids, StoreRequest request)
    {
        if (!view.Rights.HasFlag(MailboxRights.KeepSeen))
        {
            throw new ImapNoException("NOPERM", "Permission denied: needs the \"s\" right");
        }

        var seen = request.Operation switch
        {
            FlagOperation.Add => true,
            FlagOperation.Remove => false,
            _ => request.Flags.HasFlag(MessageFlags.Seen),
        };
        await session.Grain.SetPrivateSeenAsync(view.Owner, view.Id, view.UidValidity, set, seen).ConfigureAwait(false);
        return view.SetPrivateSeen(uids, seen);
    }

    /// <summary>The untagged FETCH STORE answers with; even .SILENT reports the new MODSEQ of what changed under CONDSTORE (RFC 7162 §3.1.3).</summary>
    private void WriteStored(StoreRequest request, SelectedMailbox view, MessageView message, bool changed)
    {
        var condStore = session.Extensions.CondStore;
        if (!request.Silent && condStore)
        {
            sync.WriteFlagsFetch(view, message);
        }
        else if (!request.Silent)
        {
            session.Out.Raw($"* {view.SequenceOf(message.Uid)} FETCH (FLAGS {ImapFormat.Flags(message.Flags, message.Keywords, view.IsRecent(message.Uid))}");
            session.Out.Raw(request.Uid ? $" UID {message.Uid})\r\n" : ")\r\n");
        }
        else if (condStore && changed)
        {
            sync.WriteFlagsFetch(view, message, includeFlags: false);
        }
    }

    public async Task<string?> CopyAsync(CopyRequest request)
    {
        var move = request.Move;
        var name = ImapSessionContext.RequireMailbox(request.Mailbox);
        var view = move ? WritableView() : session.View!;
        MailboxInfo destination;
        var target = session.Resolve(name);
        try
        {
            destination = await target.Grain.GetMailboxAsync(target.Name).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound)
        {
            throw new ImapNoException("TRYCREATE", "No such destination mailbox");
        }

        var uids = view.Resolve(request.Set, request.Uid).Where(u => !view.IsPendingExpunge(u)).ToList();
        var verb = (request.Uid ? "UID " : "") + (move ? "MOVE" : "COPY");
        if (uids.Count == 0)
        {
            return $"{verb} completed (no messages)";
        }

        // The user's quota is its own mailboxes'; in a shared one the owner's limits are not known here.
        var quota = target.IsShared(session.User.UserId) ? null : session.User.Quota;
        var result = target.Owner == view.Owner
            ? await target.Grain.CopyAsync(view.Id, SelectedMailbox.ToUidSet(uids), destination.Id, move, quota).ConfigureAwait(false)
            : await _crossUser.CopyAsync(view, uids, target, destination, move).ConfigureAwait(false);
        if (destination.Id == view.Id)
        {
            session.NoteOwnNew(view, result.DestinationUids);
        }

        var code = $"[COPYUID {result.DestinationUidValidity} {ImapFormat.UidList(result.SourceUids)} {ImapFormat.UidList(result.DestinationUids)}]";
        if (!move)
        {
            return $"{code} {verb} completed";
        }

        // RFC 6851 §4.3: COPYUID comes untagged, before the EXPUNGEs the post-command sync sends.
        session.Out.Raw($"* OK {code} Moved\r\n");
        foreach (var uid in result.Expunged)
        {
            view.MarkExpunged(uid);
        }

        return $"{verb} completed";
    }

    public async Task<string?> ExpungeAsync(ExpungeRequest request)
    {
        var view = session.View!;
        var only = request.Set is { } set ? SelectedMailbox.ToUidSet(view.Resolve(set, byUid: true)) : null;
        WritableView();
        ulong modSeq = 0;
        if (only is null || !only.IsEmpty)
        {
            var result = await session.MailboxGrain.ExpungeAsync(view.Id, only).ConfigureAwait(false);
            foreach (var uid in result.Expunged)
            {
                view.MarkExpunged(uid);
            }

            view.TookInOwnChange(result.PreviousModSeq, result.ModSeq);
            modSeq = result.ModSeq;
        }

        // RFC 7162 §3.2.10: with QRESYNC the answer names the mailbox's modseq after the expunge.
        var code = session.Extensions.QResync && modSeq > 0 ? $"[HIGHESTMODSEQ {modSeq}] " : "";
        return code + (request.Uid ? "UID EXPUNGE completed" : "EXPUNGE completed");
    }

    private SelectedMailbox WritableView()
    {
        var view = session.View!;
        return view.ReadOnly ? throw new ImapNoException("READ-ONLY", "The mailbox is read-only") : view;
    }
}
