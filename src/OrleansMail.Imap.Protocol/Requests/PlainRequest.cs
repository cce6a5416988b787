namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>A command without arguments: CAPABILITY, NOOP, LOGOUT, STARTTLS, NAMESPACE, IDLE, CHECK, CLOSE, UNSELECT.</summary>
public sealed record PlainRequest(string Tag, string Name) : ImapRequest(Tag);
