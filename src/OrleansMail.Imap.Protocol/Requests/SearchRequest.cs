using OrleansMail.Imap.Protocol.Search;

namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>SEARCH or UID SEARCH: the ESEARCH return options (RFC 4731, RFC 5182; null for a plain SEARCH) and the program.</summary>
public sealed record SearchRequest(string Tag, IReadOnlySet<string>? Return, string? Charset, SearchKey Program) : ImapRequest(Tag)
{
    /// <summary>RETURN (PARTIAL m:n) (RFC 9394): only those results, by position; "PARTIAL" is then in <see cref="Return"/>.</summary>
    public PartialRange? Partial { get; init; }
}
