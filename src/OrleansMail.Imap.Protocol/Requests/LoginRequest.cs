namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>LOGIN user password.</summary>
public sealed record LoginRequest(string Tag, string User, string Password) : ImapRequest(Tag);
