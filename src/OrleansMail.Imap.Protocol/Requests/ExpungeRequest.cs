namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>EXPUNGE, or UID EXPUNGE with its set (RFC 4315).</summary>
public sealed record ExpungeRequest(string Tag, ImapSequenceSet? Set) : ImapRequest(Tag);
