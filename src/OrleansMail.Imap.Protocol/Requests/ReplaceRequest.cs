namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>
/// REPLACE and UID REPLACE (RFC 8508): a new message saved to a mailbox in place of one of the selected mailbox's
/// (its message number, or its UID for UID REPLACE), which is then expunged. Like APPEND's, its message literal
/// streams to the spool, so the arguments stay tokens.
/// </summary>
public sealed record ReplaceRequest(string Tag, uint Number, string Mailbox, IReadOnlyList<ImapToken> Arguments) : ImapRequest(Tag);
