namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>Which mailboxes an event group of NOTIFY watches (RFC 5465 §6).</summary>
public enum NotifyFilter
{
    Selected,
    SelectedDelayed,
    Personal,
    Inboxes,
    Subscribed,
    Subtree,
    Mailboxes,
}
