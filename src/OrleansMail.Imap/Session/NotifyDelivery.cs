using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// Tells the client what NOTIFY asked for (RFC 5465 §5): the selected mailbox's message events as EXISTS, FETCH and
/// EXPUNGE (with the FETCH items MessageNew names), other mailboxes' as STATUS, names and subscriptions as LIST,
/// annotations as METADATA. Notices only say where to look; what is told comes from comparing the store with what
/// the client was last told, so a lost notice is made good at the next look (each poll looks at everything).
/// </summary>
internal sealed class NotifyDelivery(ImapSessionContext session, ViewSync sync, FetchHandler fetch, ListHandler list)
{
    /// <summary>The watched mailboxes by id, as last told: ids never change, names may.</summary>
    private Dictionary<Guid, WatchedMailbox> _known = [];

    /// <summary>Mailboxes came, went or were renamed since the last snapshot: the next look takes a new one.</summary>
    private bool _namesStale;

    private ImapResponseWriter Out => session.Out;

    /// <summary>
    /// Brings the selected view up to date as NOTIFY says: without NOTIFY as RFC 3501 does after each command; with
    /// SELECTED, expunges too when <paramref name="expungeAllowed"/> (outside a command always); with
    /// SELECTED-DELAYED, expunges only where RFC 3501 allows them; without either, nothing of other sessions at all.
    /// </summary>
    public async Task SyncSelectedAsync(bool expungeAllowed)
    {
        if (session.View is not { } view)
        {
            return;
        }

        if (session.Notify is not { } notify)
        {
            await sync.SyncAsync(expungeAllowed).ConfigureAwait(false);
            return;
        }

        if (notify.Selected is not { Events: not NotifyEvents.None } selected)
        {
            await sync.SyncAsync(expungeAllowed, othersChanges: false).ConfigureAwait(false);
            return;
        }

        var before = view.UidNext;
        await sync.SyncAsync(expungeAllowed).ConfigureAwait(false);
        if (selected.NewMessageItems.Count > 0 && session.View == view)
        {
            // What this session saved here itself it knows: no FETCH for it (§5.2 "SHOULD NOT").
            var fresh = view.Uids.Where(u => u >= before && !view.OwnNew.Contains(u)).ToList();
            view.OwnNew.RemoveWhere(u => u < view.UidNext);
            if (fresh.Count > 0 && ImapSequenceSet.TryParse(SelectedMailbox.ToUidSet(fresh).ToString(), out var set))
            {
                try
                {
                    await fetch.FetchAsync(new FetchRequest("*", set, selected.NewMessageItems, 0, false) { Uid = true }).ConfigureAwait(false);
                }
                catch (ImapNoException)
                {
                    // A message the items cannot be given for (BINARY of an unknown encoding, say) is told by EXISTS
                    // alone: there is no command to answer NO, and the client can FETCH it and hear why.
                }
            }
        }
    }

    /// <summary>
    /// Tells everything pending: called while the session waits for the client (then the client may hear of
    /// expunges at any time only under SELECTED), and by IDLE (where it may always). <paramref name="poll"/> looks
    /// at every watched mailbox, not only those a notice named.
    /// </summary>
    public async Task DeliverAsync(bool inIdle, bool poll = false)
    {
        if (session.Notify is not { } notify)
        {
            return;
        }

        // Outside a command nothing has said yet whom the grain calls are for: they act for this user, so another
        // user's grain shows only what its lists grant (RFC 4314), never what its owner would see.
        MailAccessor.ActAs(session.User.UserId);
        ChangeOrigin.Set(session.Id);
        var (changed, accountChanges, overflow) = notify.Drain();
        if (overflow)
        {
            Out.Raw("* OK [NOTIFICATIONOVERFLOW] Too many changes at once; notifications are off until the next NOTIFY\r\n");
            session.Notify = NotifyState.Nothing;
            await session.FlushAsync().ConfigureAwait(false);
            return;
        }

        await SyncSelectedAsync(expungeAllowed: inIdle || notify.Selected?.Filter == NotifyFilter.Selected).ConfigureAwait(false);
        WriteAccountChanges(notify, accountChanges);
        // A notice about a mailbox not watched (another user's that this one may not see, say: an owner's grain tells
        // every session it has of each change) costs nothing; a new mailbox is a name change or is found by the poll.
        if (_namesStale || poll)
        {
            WriteMessageStatus(notify, await SnapshotAsync(notify).ConfigureAwait(false), changed, all: true);
        }
        else if (changed.Count > 0)
        {
            WriteMessageStatus(notify, await RefreshAsync(changed).ConfigureAwait(false), changed, all: false);
        }

        await session.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// NOTIFY SET took effect: what the client is told from now on is compared with the mailboxes as they are now,
    /// and with STATUS it hears that state first (§3.1: MESSAGES, UIDNEXT and UIDVALIDITY, with HIGHESTMODSEQ under
    /// CONDSTORE).
    /// </summary>
    public async Task StartAsync(NotifyState notify, bool status)
    {
        _known = await SnapshotAsync(notify).ConfigureAwait(false);
        _namesStale = false;
        if (!status)
        {
            return;
        }

        foreach (var watched in _known.Values.OrderBy(w => w.ClientName, StringComparer.Ordinal))
        {
            if (IsSelected(watched) || (notify.EventsFor(watched.ClientName, watched.Info.Subscribed) & NotifyEvents.Message) == 0)
            {
                continue;
            }

            List<string> items = ["MESSAGES", "UIDNEXT", "UIDVALIDITY"];
            if (session.Extensions.CondStore)
            {
                items.Add("HIGHESTMODSEQ");
            }

            if (watched.Owner == session.User.UserId)
            {
                items.Add("UNSEEN");
            }

            StatusResponse.Write(session, watched.Info with { Name = watched.ClientName }, items);
        }
    }

    /// <summary>
    /// The watched mailboxes as they are now: the user's own, and the shared mailboxes of the owners the groups name
    /// (each owner's grain shows only what this user may list). One listing per owner, the owners' all at once.
    /// </summary>
    private async Task<Dictionary<Guid, WatchedMailbox>> SnapshotAsync(NotifyState notify)
    {
        var me = session.User.UserId;
        var snapshot = (await session.Grain.ListMailboxesAsync().ConfigureAwait(false)).ToDictionary(m => m.Id, m => new WatchedMailbox(me, m.Name, m));
        foreach (var (owner, info) in await list.SharedMailboxesAsync(notify.WatchedOwners).ConfigureAwait(false))
        {
            snapshot[info.Id] = new WatchedMailbox(owner, info.Name, info);
        }

        return snapshot;
    }

    /// <summary>
    /// The known mailboxes with these few looked at again, each by itself (a notice names the mailboxes that moved:
    /// asking for them alone costs their messages, not the whole account's). One that is gone, or no longer
    /// visible (§5.9), leaves the set.
    /// </summary>
    private async Task<Dictionary<Guid, WatchedMailbox>> RefreshAsync(HashSet<Guid> changed)
    {
        var snapshot = new Dictionary<Guid, WatchedMailbox>(_known);
        foreach (var id in changed)
        {
            if (!_known.TryGetValue(id, out var watched))
            {
                continue;
            }

            var target = session.Resolve(watched.ClientName);
            try
            {
                var info = await target.Grain.GetMailboxAsync(target.Name).ConfigureAwait(false);
                snapshot[id] = watched with { Info = info with { Subscribed = watched.Info.Subscribed } };
            }
            catch (MailStoreException e) when (e.Kind is MailStoreErrorKind.NotFound or MailStoreErrorKind.NoPermission)
            {
                snapshot.Remove(id);
            }
        }

        return snapshot;
    }

    private bool IsSelected(WatchedMailbox watched) => session.View is { } view && view.Id == watched.Info.Id;

    /// <summary>
    /// STATUS for each watched mailbox (other than the selected one) whose counters moved since the client was last
    /// told, with the items §5.1–5.3 name for what happened: new and expunged messages as MESSAGES and UIDNEXT;
    /// flag changes as HIGHESTMODSEQ under CONDSTORE, else as UNSEEN when that moved.
    /// </summary>
    private void WriteMessageStatus(NotifyState notify, Dictionary<Guid, WatchedMailbox> now, HashSet<Guid> changed, bool all)
    {
        foreach (var (id, current) in now.OrderBy(p => p.Value.ClientName, StringComparer.Ordinal))
        {
            if ((!all && !changed.Contains(id)) || !_known.TryGetValue(id, out var told) || IsSelected(current))
            {
                continue;
            }

            var events = notify.EventsFor(current.ClientName, current.Info.Subscribed);
            var (was, @is) = (told.Info, current.Info);
            var own = current.Owner == session.User.UserId;
            List<string> items = [];
            if (was.UidValidity != @is.UidValidity && (events & NotifyEvents.Message) != 0)
            {
                items.AddRange(["MESSAGES", "UIDNEXT", "UIDVALIDITY"]);
            }
            else if (events.HasFlag(NotifyEvents.MessageNew) && (was.UidNext != @is.UidNext || was.Messages != @is.Messages))
            {
                items.AddRange(["MESSAGES", "UIDNEXT"]);
            }
            else if (events.HasFlag(NotifyEvents.FlagChange) && was.HighestModSeq != @is.HighestModSeq && (session.Extensions.CondStore || (own && was.Unseen != @is.Unseen)))
            {
                items.Add("UIDVALIDITY");
            }

            if (items.Count == 0)
            {
                continue;
            }

            if (own && events.HasFlag(NotifyEvents.FlagChange) && was.Unseen != @is.Unseen)
            {
                items.Add("UNSEEN");
            }

            if (session.Extensions.CondStore)
            {
                items.Add("HIGHESTMODSEQ");
            }

            StatusResponse.Write(session, @is with { Name = current.ClientName }, items);
        }

        // Mailboxes that came or went were told by their MailboxName event (or are not watched for one).
        _known = now;
        _namesStale = false;
    }

    /// <summary>
    /// LIST for names created, deleted and renamed (§5.4) and for subscriptions (§5.5), METADATA for annotations
    /// (§5.6, §5.7), leaving out what this session did itself (§5: "SHOULD omit"). A rename names only the mailbox
    /// renamed, not each child that moved with it.
    /// </summary>
    private void WriteAccountChanges(NotifyState notify, List<AccountChange> changes)
    {
        var renamedFrom = changes.Where(c => c.Kind == AccountChangeKind.MailboxRenamed).Select(c => c.OldName!).ToList();
        foreach (var change in changes)
        {
            if (change.Kind is AccountChangeKind.MailboxCreated or AccountChangeKind.MailboxRenamed or AccountChangeKind.MailboxDeleted)
            {
                _namesStale = true;
            }

            if (change.Origin == session.Id)
            {
                continue;
            }

            switch (change.Kind)
            {
                case AccountChangeKind.MailboxCreated when Asks(notify, change.Name, change.Subscribed, NotifyEvents.MailboxName):
                    WriteList(change.Name, change.Subscribed ? "\\Subscribed" : "", null);
                    break;

                case AccountChangeKind.MailboxDeleted when Asks(notify, change.Name, change.Subscribed, NotifyEvents.MailboxName):
                    WriteList(change.Name, change.Subscribed ? "\\NonExistent \\Subscribed" : "\\NonExistent", null);
                    break;

                case AccountChangeKind.MailboxRenamed when !renamedFrom.Any(parent => MailboxName.IsBelow(change.OldName!, parent))
                    && (Asks(notify, change.Name, change.Subscribed, NotifyEvents.MailboxName) || Asks(notify, change.OldName!, false, NotifyEvents.MailboxName)):
                    WriteList(change.Name, change.Subscribed ? "\\Subscribed" : "", change.OldName);
                    break;

                case AccountChangeKind.SubscriptionChanged when Asks(notify, change.Name, subscribed: true, NotifyEvents.SubscriptionChange):
                    var exists = _known.Values.Any(w => w.Owner == session.User.UserId && w.ClientName == change.Name) || SharedNamespace.Contains(change.Name);
                    WriteList(change.Name, string.Join(' ', new[] { exists ? null : "\\NonExistent", change.Subscribed ? "\\Subscribed" : null }.OfType<string>()), null);
                    break;

                case AccountChangeKind.MetadataChanged when change.Name.Length == 0 ? notify.Wants(NotifyEvents.ServerMetadataChange) : Asks(notify, change.Name, IsSubscribed(change.Name), NotifyEvents.MailboxMetadataChange):
                    Out.Raw("* METADATA ").AString(session.WireName(change.Name)).Raw(" ").AString(change.Entry!).CrLf();
                    break;
            }
        }
    }

    private bool IsSubscribed(string name) => _known.Values.Any(w => w.ClientName == name && w.Info.Subscribed);

    private static bool Asks(NotifyState notify, string name, bool subscribed, NotifyEvents events) => (notify.EventsFor(name, subscribed) & events) != 0;

    private void WriteList(string name, string attributes, string? oldName)
    {
        Out.Raw($"* LIST ({attributes}) \"/\" ").AString(session.WireName(name));
        if (oldName is not null)
        {
            Out.Raw(" (\"OLDNAME\" (").AString(session.WireName(oldName)).Raw("))");
        }

        Out.CrLf();
    }
}
