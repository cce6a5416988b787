using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Fetch;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>FETCH and UID FETCH (RFC 3501 §6.4.5), with CHANGEDSINCE and VANISHED (RFC 7162).</summary>
internal sealed class FetchHandler(ImapSessionContext session, ViewSync sync)
{
    public async Task<string?> FetchAsync(FetchRequest request)
    {
        var (set, changedSince, vanished) = (request.Set, request.ChangedSince, request.Vanished);
        var items = request.Items.ToList();
        if (items.Count(i => i.Kind == FetchKind.Section) > session.Options.MaxFetchSections)
        {
            // Each section is up to a whole body written per message: the count is what bounds the answer's size.
            throw new ImapNoException("LIMIT", $"At most {session.Options.MaxFetchSections} body sections per FETCH");
        }

        if (vanished && !session.Extensions.QResync)
        {
            throw new ImapSyntaxException("VANISHED needs UID FETCH, CHANGEDSINCE and QRESYNC enabled");
        }

        if (changedSince > 0 && !items.Any(i => i.Kind == FetchKind.ModSeq))
        {
            items.Add(new FetchItem(FetchKind.ModSeq));
        }

        if (items.Any(i => i.Kind == FetchKind.ModSeq))
        {
            session.Extensions.EnableCondStore();
        }

        if (request.Uid && !items.Any(i => i.Kind == FetchKind.Uid))
        {
            items.Insert(0, new FetchItem(FetchKind.Uid));
        }

        var view = session.View!;
        if (vanished)
        {
            await sync.WriteVanishedEarlierAsync(view, set, changedSince).ConfigureAwait(false);
        }

        var uids = view.Resolve(set, request.Uid);
        var flagsChanged = await MarkSeenAsync(view, uids, items).ConfigureAwait(false);
        var messages = new List<MessageView>(uids.Count);
        foreach (var uid in uids)
        {
            if (view.TryGet(uid, out var message) && (changedSince == 0 || message.ModSeq > changedSince))
            {
                messages.Add(message);
            }
        }

        var userId = session.MailboxOwner;
        var needsSummary = items.Any(i => i.NeedsSummary);
        var need = items.Any(i => i.NeedsBody) ? BodyNeed.Whole : items.Any(i => i.NeedsHeaderOnly) ? BodyNeed.Header : BodyNeed.None;
        var prefetch = new BodyPrefetch(session.Services.Bodies, userId);
        var responder = new FetchResponder(session.Out, session.Services.Bodies, userId, session.FlushAsync);
        foreach (var chunk in messages.Chunk(BodyPrefetch.SummaryChunk))
        {
            var summaries = needsSummary ? await session.Services.Summaries.GetAsync(userId, chunk.Select(m => (m.BodyId, m.Size)).ToList()).ConfigureAwait(false) : null;
            foreach (var summary in summaries ?? [])
            {
                FetchResponder.CheckBinary(items, summary);
            }

            await foreach (var (index, data) in prefetch.LoadAsync(chunk, summaries, need).ConfigureAwait(false))
            {
                var message = chunk[index];
                await responder.WriteAsync(view, message, items, summaries?[index], data, flagsChanged.Contains(message.Uid), session.Extensions.CondStore).ConfigureAwait(false);
            }
        }

        return request.Uid ? "UID FETCH completed" : "FETCH completed";
    }

    /// <summary>RFC 3501 §6.4.5: BODY[...] (not PEEK) sets \Seen; the answer then carries FLAGS for what it changed.</summary>
    private async Task<HashSet<uint>> MarkSeenAsync(SelectedMailbox view, List<uint> uids, List<FetchItem> items)
    {
        var flagsChanged = new HashSet<uint>();
        if (view.ReadOnly || !items.Any(i => i.Kind == FetchKind.Section && !i.Peek))
        {
            return flagsChanged;
        }

        var unseen = uids.Where(u => view.TryGet(u, out var m) && !m.Flags.HasFlag(MessageFlags.Seen) && !view.IsPendingExpunge(u)).ToList();
        if (unseen.Count > 0 && view.PrivateSeen is not null)
        {
            // Another user's mailbox: this user's own \Seen, given the "s" right (RFC 4314 §4: without it, none).
            if (view.Rights.HasFlag(MailboxRights.KeepSeen))
            {
                try
                {
                    await session.Grain.SetPrivateSeenAsync(view.Owner, view.Id, view.UidValidity, SelectedMailbox.ToUidSet(unseen), seen: true).ConfigureAwait(false);
                    flagsChanged.UnionWith(view.SetPrivateSeen(unseen, seen: true));
                }
                catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.Limit)
                {
                    // The message is served; only its \Seen is not kept (STORE says why).
                }
            }

            return flagsChanged;
        }

        if (unseen.Count > 0)
        {
            var stored = await session.MailboxGrain.StoreFlagsAsync(view.Id, SelectedMailbox.ToUidSet(unseen), FlagOperation.Add, MessageFlags.Seen, []).ConfigureAwait(false);

            // Another session may have set a keyword meanwhile: the records that come back carry it.
            sync.AnnounceKeywords(view, stored.Changed);
            foreach (var changed in stored.Changed)
            {
                view.Update(changed);
                flagsChanged.Add(changed.Uid);
            }
        }

        return flagsChanged;
    }
}
