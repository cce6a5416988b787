namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>COMPRESS (RFC 4978): the mechanism the client wants both directions compressed with from the tagged OK on.</summary>
public sealed record CompressRequest(string Tag, string Mechanism) : ImapRequest(Tag);
