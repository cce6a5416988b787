namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>A command naming one mailbox and nothing else: DELETE, SUBSCRIBE, UNSUBSCRIBE.</summary>
public sealed record MailboxRequest(string Tag, string Name, string Mailbox) : ImapRequest(Tag);
