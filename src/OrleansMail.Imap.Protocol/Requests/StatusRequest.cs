namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>STATUS mailbox (items), upper case.</summary>
public sealed record StatusRequest(string Tag, string Mailbox, IReadOnlyList<string> Items) : ImapRequest(Tag);
