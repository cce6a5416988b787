using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>Changing and asking about mailboxes by name: CREATE (with RFC 6154 USE), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS.</summary>
internal sealed class MailboxHandler(ImapSessionContext session)
{
    public async Task<string?> CreateAsync(CreateRequest request)
    {
        var name = ImapSessionContext.RequireMailbox(request.Mailbox);
        var use = request.UseAttribute is { } attribute
            ? SpecialUseOf(attribute) ?? throw new ImapNoException("USEATTR", "Unsupported special-use attribute")
            : SpecialUse.None;
        if (MailboxName.IsInbox(name))
        {
            throw new ImapNoException("ALREADYEXISTS", "INBOX always exists");
        }

        if (!MailboxName.IsValid(name))
        {
            throw new ImapNoException("CANNOT", "Invalid mailbox name");
        }

        RefuseShared(name);
        var created = await session.Grain.CreateMailboxAsync(name, use, session.User.Quota).ConfigureAwait(false);
        return $"[MAILBOXID (F{created.Id:N})] CREATE completed";
    }

    public async Task<string?> DeleteAsync(MailboxRequest request)
    {
        var name = ImapSessionContext.RequireMailbox(request.Mailbox);
        if (MailboxName.IsInbox(name))
        {
            throw new ImapNoException("CANNOT", "INBOX cannot be deleted");
        }

        RefuseShared(name);
        if (session.View is { } view && view.Name == name && view.Owner == session.User.UserId)
        {
            session.State = new AuthenticatedState(session.User);
        }

        await session.Grain.DeleteMailboxAsync(name).ConfigureAwait(false);
        return "DELETE completed";
    }

    public async Task<string?> RenameAsync(RenameRequest request)
    {
        var from = ImapSessionContext.RequireMailbox(request.From);
        var to = ImapSessionContext.RequireMailbox(request.To);
        if (!MailboxName.IsValid(to) || MailboxName.IsInbox(to))
        {
            throw new ImapNoException("CANNOT", "Invalid new mailbox name");
        }

        RefuseShared(from);
        RefuseShared(to);

        await session.Grain.RenameMailboxAsync(from, to).ConfigureAwait(false);
        return "RENAME completed";
    }

    public async Task<string?> SubscribeAsync(MailboxRequest request)
    {
        var name = ImapSessionContext.RequireMailbox(request.Mailbox);
        var subscribe = request.Name == "SUBSCRIBE";
        await session.Grain.SetSubscriptionAsync(name, subscribe).ConfigureAwait(false);
        return subscribe ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed";
    }

    public async Task<string?> StatusAsync(StatusRequest request)
    {
        var name = ImapSessionContext.RequireMailbox(request.Mailbox);
        MailboxInfo info;
        var target = session.Resolve(name);
        try
        {
            info = await target.Grain.GetMailboxAsync(target.Name).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound)
        {
            throw new ImapNoException("NONEXISTENT", "No such mailbox");
        }

        if (target.IsShared(session.User.UserId))
        {
            info = await StatusResponse.WithOwnSeenAsync(session, target.Owner, info, request.Items).ConfigureAwait(false);
        }

        StatusResponse.Write(session, info with { Name = name }, request.Items);
        return "STATUS completed";
    }

    private static SpecialUse? SpecialUseOf(string attribute) => attribute.ToUpperInvariant() switch
    {
        "\\DRAFTS" => SpecialUse.Drafts,
        "\\SENT" => SpecialUse.Sent,
        "\\TRASH" => SpecialUse.Trash,
        "\\JUNK" => SpecialUse.Junk,
        "\\ARCHIVE" => SpecialUse.Archive,
        "\\ALL" => SpecialUse.All,
        "\\FLAGGED" => SpecialUse.Flagged,
        _ => null,
    };

    /// <summary>The shared namespace holds other users' mailboxes: the user creates, deletes and renames nothing there.</summary>
    private static void RefuseShared(string name)
    {
        if (SharedNamespace.Contains(name))
        {
            throw new ImapNoException("NOPERM", $"{SharedNamespace.Root} holds other users' mailboxes");
        }
    }
}
