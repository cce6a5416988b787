using OrleansMail.Imap.Protocol.Search;

namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>SEARCH or UID SEARCH: the ESEARCH return options (RFC 4731, RFC 5182; null for a plain SEARCH) and the program.</summary>
public sealed record SearchRequest(string Tag, IReadOnlySet<string>? Return, string? Charset, SearchKey Program) : ImapRequest(Tag);
