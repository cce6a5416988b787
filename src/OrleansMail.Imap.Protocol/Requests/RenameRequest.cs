namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>RENAME from to.</summary>
public sealed record RenameRequest(string Tag, string From, string To) : ImapRequest(Tag);
