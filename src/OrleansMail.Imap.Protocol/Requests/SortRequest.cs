using OrleansMail.Imap.Protocol.Search;
using OrleansMail.Imap.Protocol.Sorting;

namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>SORT and UID SORT (RFC 5256): the messages a search program finds, in the order of the criteria.</summary>
public sealed record SortRequest(string Tag, IReadOnlyList<SortCriterion> Criteria, string Charset, SearchKey Program) : ImapRequest(Tag);
