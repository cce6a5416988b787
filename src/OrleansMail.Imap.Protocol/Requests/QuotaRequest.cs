namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>GETQUOTA and SETQUOTA (RFC 9208 §4.1.1, §4.1.3): a quota root, and for SETQUOTA the resource limits asked for.</summary>
public sealed record QuotaRequest(string Tag, string Name, string Root, IReadOnlyList<(string Resource, long Limit)> Limits) : ImapRequest(Tag);
