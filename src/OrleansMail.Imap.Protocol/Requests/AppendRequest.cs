namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>APPEND's arguments as tokens: its message literals stream to the spool as they arrive, so the session reads them itself.</summary>
public sealed record AppendRequest(string Tag, IReadOnlyList<ImapToken> Arguments) : ImapRequest(Tag);
