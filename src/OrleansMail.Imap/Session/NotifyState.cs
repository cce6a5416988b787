using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// What a session asked for with NOTIFY (RFC 5465), and the change notices that arrived for it and are not yet
/// told. Notices arrive on the observer's thread; the session drains them between commands, during IDLE, or while
/// it waits for the client's next command. Past <see cref="MaxPending"/> untold notices the session gives up, as
/// §5.8 allows, and says NOTIFICATIONOVERFLOW instead of queueing without bound.
/// </summary>
internal sealed class NotifyState(IReadOnlyList<NotifyEventGroup> groups, IReadOnlyCollection<string> watchedOwners)
{
    public const int MaxPending = 1000;

    private readonly Lock _lock = new();
    private HashSet<Guid> _changedMailboxes = [];
    private List<AccountChange> _accountChanges = [];
    private bool _overflow;

    /// <summary>NOTIFY NONE: nothing at all, not even the selected mailbox's changes from others (RFC 5465 §3.1).</summary>
    public static NotifyState Nothing => new([], []);

    public IReadOnlyList<NotifyEventGroup> Groups { get; } = groups;

    /// <summary>Other users whose shared mailboxes the groups name: their grains are listened to as well.</summary>
    public IReadOnlyCollection<string> WatchedOwners { get; } = watchedOwners;

    /// <summary>SELECTED or SELECTED-DELAYED; without either the selected mailbox has no message events (§3.1).</summary>
    public NotifyEventGroup? Selected => Groups.FirstOrDefault(g => g.IsSelected);

    public NotifyEvents SelectedEvents => Selected?.Events ?? NotifyEvents.None;

    /// <summary>Whether any group asks for this event for some mailbox (server annotations belong to no mailbox).</summary>
    public bool Wants(NotifyEvents events) => Groups.Any(g => !g.IsSelected && (g.Events & events) != 0);

    /// <summary>
    /// The events the non-selected groups ask for on a mailbox, by its name as the client sees it. Several groups
    /// may apply and their events add up (§6); a group with NONE that matches ends the search, so "(mailboxes X
    /// NONE) (personal (...))" leaves X out.
    /// </summary>
    public NotifyEvents EventsFor(string name, bool subscribed)
    {
        var events = NotifyEvents.None;
        foreach (var group in Groups)
        {
            if (group.IsSelected || !Matches(group, name, subscribed))
            {
                continue;
            }

            if (group.Events == NotifyEvents.None)
            {
                break;
            }

            events |= group.Events;
        }

        return events;
    }

    private static bool Matches(NotifyEventGroup group, string name, bool subscribed) => group.Filter switch
    {
        NotifyFilter.Personal => !SharedNamespace.Contains(name),

        // Mail is delivered to INBOX only (LMTP has no folder of its own to deliver to): RFC 5465 §6.3's inboxes.
        NotifyFilter.Inboxes => MailboxName.IsInbox(name),
        NotifyFilter.Subscribed => subscribed,
        NotifyFilter.Subtree => group.Mailboxes.Any(m => name == m || MailboxName.IsBelow(name, m)),
        NotifyFilter.Mailboxes => group.Mailboxes.Contains(name, StringComparer.Ordinal),
        _ => false,
    };

    public void Note(MailboxChange change)
    {
        lock (_lock)
        {
            if (_changedMailboxes.Count >= MaxPending)
            {
                _overflow = true;
                return;
            }

            _changedMailboxes.Add(change.MailboxId);
        }
    }

    public void Note(AccountChange[] changes)
    {
        lock (_lock)
        {
            if (_accountChanges.Count + changes.Length > MaxPending)
            {
                _overflow = true;
                return;
            }

            _accountChanges.AddRange(changes);
        }
    }

    /// <summary>Takes every notice that arrived so far; <c>Overflow</c> says some were dropped.</summary>
    public (HashSet<Guid> Mailboxes, List<AccountChange> AccountChanges, bool Overflow) Drain()
    {
        lock (_lock)
        {
            var drained = (_changedMailboxes, _accountChanges, _overflow);
            _changedMailboxes = [];
            _accountChanges = [];
            _overflow = false;
            return drained;
        }
    }
}
