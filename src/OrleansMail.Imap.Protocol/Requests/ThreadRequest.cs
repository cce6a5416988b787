using OrleansMail.Imap.Protocol.Search;
using OrleansMail.Imap.Protocol.Sorting;

namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>THREAD and UID THREAD (RFC 5256): the messages a search program finds, as threads.</summary>
public sealed record ThreadRequest(string Tag, ThreadAlgorithm Algorithm, string Charset, SearchKey Program) : ImapRequest(Tag);
