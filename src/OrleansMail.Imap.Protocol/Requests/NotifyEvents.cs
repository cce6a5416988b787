namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>
/// The events of RFC 5465 §5 a NOTIFY event group asks for; none at all is the group's NONE. AnnotationChange is
/// not among them: it needs ANNOTATE (RFC 5257), which the server does not offer, so it is refused as BADEVENT.
/// </summary>
[Flags]
public enum NotifyEvents
{
    None = 0,
    MessageNew = 1,
    MessageExpunge = 2,
    FlagChange = 4,
    MailboxName = 16,
    SubscriptionChange = 32,
    MailboxMetadataChange = 64,
    ServerMetadataChange = 128,

    /// <summary>The message events: the only ones SELECTED and SELECTED-DELAYED may name (RFC 5465 §6.1).</summary>
    Message = MessageNew | MessageExpunge | FlagChange,
}
