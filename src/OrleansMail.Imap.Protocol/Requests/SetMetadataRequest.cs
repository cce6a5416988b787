namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>SETMETADATA (RFC 5464 §4.3): the mailbox ("" for the server) and each entry (lower case) with its value, null for NIL (remove).</summary>
public sealed record SetMetadataRequest(string Tag, string Mailbox, IReadOnlyList<(string Entry, byte[]? Value)> Entries) : ImapRequest(Tag);
