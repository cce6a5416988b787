namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>COPY or MOVE (RFC 6851), and their UID forms.</summary>
public sealed record CopyRequest(string Tag, ImapSequenceSet Set, string Mailbox, bool Move) : ImapRequest(Tag);
