namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>
/// GETMETADATA (RFC 5464 §4.2): the mailbox ("" for the server), the entry names (lower case), and the options:
/// values longer than <paramref name="MaxSize"/> are left out, and <paramref name="Depth"/> levels below each name
/// are returned too (<see cref="int.MaxValue"/> for "infinity").
/// </summary>
public sealed record GetMetadataRequest(string Tag, string Mailbox, IReadOnlyList<string> Entries, long? MaxSize, int Depth) : ImapRequest(Tag);
