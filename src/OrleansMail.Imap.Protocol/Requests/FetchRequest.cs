namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>FETCH or UID FETCH, with the CHANGEDSINCE and VANISHED modifiers of RFC 7162.</summary>
public sealed record FetchRequest(string Tag, ImapSequenceSet Set, IReadOnlyList<FetchItem> Items, ulong ChangedSince, bool Vanished) : ImapRequest(Tag);
