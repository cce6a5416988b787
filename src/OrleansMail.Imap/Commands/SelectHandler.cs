using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>Entering and leaving the selected state: SELECT, EXAMINE (with CONDSTORE and QRESYNC, RFC 7162), CLOSE, UNSELECT (RFC 3691), CHECK.</summary>
internal sealed class SelectHandler(ImapSessionContext session, ViewSync sync, MailboxNotifications notifications)
{
    /// <summary>The rights that change a mailbox's messages: without any of them a SELECT is an EXAMINE.</summary>
    private const MailboxRights Changes = MailboxRights.KeepSeen | MailboxRights.Write | MailboxRights.Insert | MailboxRights.DeleteMessages | MailboxRights.Expunge;

    /// <summary>Records per page of SELECT's load (the grain caps it too).</summary>
    private const int PageSize = 65_536;

    private ImapResponseWriter Out => session.Out;

    public async Task<string?> SelectAsync(SelectRequest request)
    {
        var name = ImapSessionContext.RequireMailbox(request.Mailbox);
        var readOnly = request.ReadOnly;
        if (request.Qresync is not null && !session.Extensions.QResync)
        {
            throw new ImapSyntaxException("QRESYNC must be enabled first (ENABLE QRESYNC)");
        }

        if (request.CondStore)
        {
            session.Extensions.EnableCondStore();
        }

        if ((session.Extensions.QResync || session.Extensions.Imap4Rev2) && session.State is SelectedState)
        {
            // RFC 7162 §3.2.11 and RFC 9051 §6.3.2: tells the client where the old mailbox's responses end.
            Out.Raw("* OK [CLOSED] Previous mailbox closed\r\n");
        }

        // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1).
        var user = session.User;
        session.State = new AuthenticatedState(user);
        MailboxInfo info;
        var target = session.Resolve(name);
        var rights = MailboxRights.All;
        HashSet<uint>? privateSeen = null;
        try
        {
            info = await target.Grain.GetMailboxAsync(target.Name).ConfigureAwait(false);
            if (target.IsShared(user.UserId))
            {
                // Another user's mailbox this user may only read opens read-only, as Dovecot does (RFC 4314 §4);
                // \Seen there is this user's own, kept by its own grain.
                rights = await target.Grain.GetMyRightsAsync(target.Name).ConfigureAwait(false);
                readOnly |= (rights & Changes) == 0;
                privateSeen = [.. await session.Grain.GetPrivateSeenAsync(target.Owner, info.Id, info.UidValidity).ConfigureAwait(false)];
            }
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound)
        {
            throw new ImapNoException("NONEXISTENT", "No such mailbox");
        }

        var view = new SelectedMailbox(info, readOnly) { ShowsRecent = !session.Extensions.Imap4Rev2, Owner = target.Owner, PrivateSeen = privateSeen, Rights = rights };
        var changedWhileLoading = await LoadAsync(target, view).ConfigureAwait(false);

        // EXAMINE only looks (RFC 3501 §6.3.2: it must not take \Recent away from anyone); SELECT claims.
        if (view.ShowsRecent)
        {
            view.MarkRecentFrom(await target.Grain.ClaimRecentAsync(info.Id, readOnly ? 0 : view.LargestUid).ConfigureAwait(false));
        }

        WriteSelectAnswers(info, view);
        session.State = new SelectedState(user, view);
        if (request.Qresync is { } parameters)
        {
            await sync.WriteQuickResyncAsync(view, parameters).ConfigureAwait(false);
        }

        await notifications.RenewIfDueAsync(force: true).ConfigureAwait(false);
        view.Dirty = changedWhileLoading;
        view.SavedResult = [];
        return readOnly ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed";
    }

    /// <summary>
    /// Loads the mailbox's records into the view page by page, in columns. A change between pages (the mailbox moves on
    /// while a large one loads) leaves the view synchronised only up to the first page's HIGHESTMODSEQ and marked
    /// dirty, so the session's next look takes in everything since, as after any other change; true then.
    /// </summary>
    internal static async Task<bool> LoadAsync(MailboxTarget target, SelectedMailbox view, int pageSize = PageSize)
    {
        ulong? first = null;
        var moved = false;
        for (var from = 1u; from != 0;)
        {
            var page = await target.Grain.ListMessagesAsync(view.Id, from, pageSize).ConfigureAwait(false);
            first ??= page.HighestModSeq;
            moved |= page.HighestModSeq != first;
            view.Add(page);
            foreach (var set in page.KeywordSets)
            {
                view.AnnouncedKeywords.UnionWith(set);
            }

            from = page.NextUid;
        }

        view.SyncedModSeq = Math.Max(1, first ?? view.SyncedModSeq);
        return moved;
    }

    /// <summary>The untagged answers RFC 3501 §6.3.1 and RFC 7162 §3.1.2 require, in the usual order.</summary>
    private void WriteSelectAnswers(MailboxInfo info, SelectedMailbox view)
    {
        sync.WriteFlags(view);
        Out.Raw($"* {view.Count} EXISTS\r\n");
        if (view.ShowsRecent)
        {
            Out.Raw($"* {view.RecentCount} RECENT\r\n");
        }

        // The view's flags: in another user's mailbox \Seen is this user's own.
        var firstUnseen = view.FirstUnseen();
        if (firstUnseen > 0)
        {
            Out.Raw($"* OK [UNSEEN {firstUnseen}] First unseen\r\n");
        }

        Out.Raw($"* OK [UIDVALIDITY {info.UidValidity}] UIDs valid\r\n* OK [UIDNEXT {info.UidNext}] Predicted next UID\r\n");
        Out.Raw($"* OK [HIGHESTMODSEQ {Math.Max(1, view.SyncedModSeq)}] Highest\r\n");
        Out.Raw($"* OK [MAILBOXID (F{info.Id:N})] Ok\r\n");
    }

    public async Task<string?> CloseAsync(PlainRequest request)
    {
        var expunge = request.Name == "CLOSE";
        var view = session.View!;
        session.State = new AuthenticatedState(session.User);
        // RFC 4314 §4: without "e" CLOSE expunges nothing, and still closes.
        if (expunge && !view.ReadOnly && view.Rights.HasFlag(MailboxRights.Expunge))
        {
            // RFC 3501 §6.4.2: CLOSE expunges silently.
            await session.Services.Grains.GetGrain<IUserGrain>(view.Owner).ExpungeAsync(view.Id).ConfigureAwait(false);
        }

        return expunge ? "CLOSE completed" : "UNSELECT completed";
    }

    public Task<string?> CheckAsync(PlainRequest request)
    {
        session.View!.Dirty = true;
        return Task.FromResult<string?>("CHECK completed");
    }
}
