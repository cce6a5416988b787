namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>CREATE, with the special-use attribute of RFC 6154 §5.2 when given.</summary>
public sealed record CreateRequest(string Tag, string Mailbox, string? UseAttribute) : ImapRequest(Tag);
