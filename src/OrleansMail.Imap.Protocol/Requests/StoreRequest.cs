using OrleansMail.Mail;

namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>STORE or UID STORE, with UNCHANGEDSINCE (RFC 7162 §3.1.3) when given.</summary>
public sealed record StoreRequest(string Tag, ImapSequenceSet Set, FlagOperation Operation, bool Silent, MessageFlags Flags, string[] Keywords, ulong? UnchangedSince) : ImapRequest(Tag);
