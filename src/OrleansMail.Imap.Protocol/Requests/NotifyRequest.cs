namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>
/// NOTIFY NONE, or NOTIFY SET [STATUS] with its event groups (RFC 5465 §3.1). Event names the server does not
/// know are kept in <paramref name="UnknownEvents"/>: RFC 5465 refuses them with NO [BADEVENT], not BAD.
/// </summary>
public sealed record NotifyRequest(string Tag, bool None, bool Status, IReadOnlyList<NotifyEventGroup> Groups, IReadOnlyList<string> UnknownEvents) : ImapRequest(Tag);
