namespace OrleansMail.Grains.Contracts;

/// <summary>What changed about a user's mailboxes as a whole, rather than about the messages in one (RFC 5465 §5.4–5.7).</summary>
public enum AccountChangeKind
{
    MailboxCreated = 0,
    MailboxRenamed = 1,
    MailboxDeleted = 2,
    SubscriptionChanged = 3,

    /// <summary>A METADATA entry (RFC 5464) was set or removed: the mailbox's, or the server's when the name is empty.</summary>
    MetadataChanged = 4,
}
