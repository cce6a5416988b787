using OrleansMail.Imap.Protocol.Search;
using OrleansMail.Imap.Protocol.Sorting;

namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>
/// SORT and UID SORT (RFC 5256): the messages a search program finds, in the order of the criteria; with RETURN
/// (ESORT, RFC 5267) the answer is one ESEARCH response with what was asked.
/// </summary>
public sealed record SortRequest(string Tag, IReadOnlyList<SortCriterion> Criteria, string Charset, SearchKey Program) : ImapRequest(Tag)
{
    /// <summary>MIN, MAX, COUNT, ALL (RETURN () means ALL), SAVE (SEARCHRES) and UPDATE (CONTEXT=SORT); null for a plain SORT.</summary>
    public IReadOnlySet<string>? Return { get; init; }

    /// <summary>RETURN (PARTIAL m:n) (RFC 9394): only those results, by position in sort order.</summary>
    public PartialRange? Partial { get; init; }
}
