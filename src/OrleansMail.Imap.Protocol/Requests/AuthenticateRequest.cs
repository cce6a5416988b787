namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>AUTHENTICATE mechanism, with the SASL-IR initial response (RFC 4959) when given.</summary>
public sealed record AuthenticateRequest(string Tag, string Mechanism, string? InitialResponse) : ImapRequest(Tag);
