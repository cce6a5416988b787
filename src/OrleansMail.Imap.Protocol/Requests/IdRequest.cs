namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>ID (RFC 2971): the client's field/value pairs, or none for NIL.</summary>
public sealed record IdRequest(string Tag, IReadOnlyList<(string Field, string? Value)>? Fields) : ImapRequest(Tag);
