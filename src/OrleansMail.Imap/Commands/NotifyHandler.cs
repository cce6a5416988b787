using OrleansMail.Errors;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// NOTIFY (RFC 5465): which events the client hears, for which mailboxes, at any time rather than only in answer
/// to a command. The events themselves are told by <see cref="NotifyDelivery"/>.
/// </summary>
internal sealed class NotifyHandler(ImapSessionContext session, ViewSync sync, MailboxNotifications notifications, NotifyDelivery delivery)
{
    /// <summary>Every user a session may listen to for NOTIFY is one more grain subscription kept alive; past this, NOTIFICATIONOVERFLOW (§3.1).</summary>
    public const int MaxWatchedOwners = 32;

    /// <summary>
    /// Mailbox names all event groups may list together: each notice and each poll matches every watched mailbox
    /// against them, so their number is what a client could make every look cost.
    /// </summary>
    public const int MaxNamedMailboxes = 100;

    private const string SupportedEvents = "MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange MailboxMetadataChange ServerMetadataChange";

    public async Task<string?> NotifyAsync(NotifyRequest request)
    {
        if (request.UnknownEvents.Count > 0)
        {
            throw new ImapNoException($"BADEVENT ({SupportedEvents})", $"Unsupported event {request.UnknownEvents[0]}");
        }

        if (request.Groups.Any(g => g.NewMessageItems.Count(i => i.Kind == FetchKind.Section) > session.Options.MaxFetchSections))
        {
            // Checked now, as FETCH checks it: later it would be a refusal with no command to answer.
            throw new ImapNoException("LIMIT", $"At most {session.Options.MaxFetchSections} body sections per FETCH");
        }

        if (request.Groups.Sum(g => g.Mailboxes.Count) > MaxNamedMailboxes)
        {
            throw new ImapNoException("NOTIFICATIONOVERFLOW", $"At most {MaxNamedMailboxes} mailbox names can be watched; SUBTREE covers many at once");
        }

        // A successful NOTIFY SET is an implicit NOOP under the rules that held until now (§3.1).
        await sync.SyncAsync(allowExpunge: true, force: true).ConfigureAwait(false);
        if (request.None)
        {
            session.Notify = NotifyState.Nothing;
            await notifications.WatchOwnersAsync([]).ConfigureAwait(false);
            return "NOTIFY completed";
        }

        var owners = await WatchedOwnersAsync(request.Groups).ConfigureAwait(false);
        if (owners.Count > MaxWatchedOwners)
        {
            throw new ImapNoException("NOTIFICATIONOVERFLOW", $"Mailboxes of at most {MaxWatchedOwners} other users can be watched");
        }

        var notify = new NotifyState(request.Groups, owners);
        session.View?.OwnNew.Clear();
        await notifications.WatchOwnersAsync(owners).ConfigureAwait(false);
        await delivery.StartAsync(notify, request.Status).ConfigureAwait(false);
        session.Notify = notify;
        return "NOTIFY completed";
    }

    /// <summary>
    /// The other users whose shared mailboxes the groups name (SUBTREE Shared names every user sharing with this
    /// one). Each name is checked as §3.1 says: one this user may not list is ignored; one it may list but not read
    /// is told as \NoAccess, and not watched.
    /// </summary>
    private async Task<HashSet<string>> WatchedOwnersAsync(IReadOnlyList<NotifyEventGroup> groups)
    {
        var me = session.User.UserId;
        var owners = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (var name in group.Mailboxes)
            {
                if (group.Filter == NotifyFilter.Subtree && name == SharedNamespace.Root)
                {
                    owners.UnionWith((await session.Grain.ListSharedByAsync().ConfigureAwait(false)).Where(o => o != me));
                }
                else if (SharedNamespace.TryParse(name, out var named, out var local) && session.OwnerId(named) is { } owner && owner != me)
                {
                    // A user the directory does not know is ignored like any mailbox that does not exist (§3.1).
                    if (local.Length == 0 ? group.Filter == NotifyFilter.Subtree : await MayReadAsync(local, name).ConfigureAwait(false))
                    {
                        owners.Add(owner);
                    }
                }
            }
        }

        return owners;
    }

    private async Task<bool> MayReadAsync(string mailbox, string name)
    {
        MailboxRights rights;
        try
        {
            rights = await session.Resolve(name).Grain.GetMyRightsAsync(mailbox).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind is MailStoreErrorKind.NotFound or MailStoreErrorKind.NoPermission)
        {
            return false;
        }

        if (rights.HasFlag(MailboxRights.Read))
        {
            return true;
        }

        if (rights.HasFlag(MailboxRights.Lookup))
        {
            session.Out.Raw("* LIST (\\NoAccess) \"/\" ").AString(session.WireName(name)).CrLf();
        }

        return false;
    }
}
