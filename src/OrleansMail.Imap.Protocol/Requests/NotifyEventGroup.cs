namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>
/// One event group of NOTIFY SET (RFC 5465 §8): which mailboxes, which events, and for MessageNew the FETCH items
/// to send with each new message of the selected mailbox. <paramref name="Mailboxes"/> are the names SUBTREE and
/// MAILBOXES name, decoded like any mailbox argument.
/// </summary>
public sealed record NotifyEventGroup(NotifyFilter Filter, IReadOnlyList<string> Mailboxes, NotifyEvents Events, IReadOnlyList<FetchItem> NewMessageItems)
{
    public bool IsSelected => Filter is NotifyFilter.Selected or NotifyFilter.SelectedDelayed;
}
