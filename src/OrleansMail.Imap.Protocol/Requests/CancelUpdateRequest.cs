namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>CANCELUPDATE (RFC 5267 §4.3): stop updating the searches started with these tags.</summary>
public sealed record CancelUpdateRequest(string Tag, IReadOnlyList<string> Tags) : ImapRequest(Tag);
