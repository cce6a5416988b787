namespace OrleansMail.Imap.Protocol;

/// <summary>A complete command: tag, name (upper case; "UID FETCH" style for UID commands) and its arguments.</summary>
public sealed record ImapCommand(string Tag, string Name, bool Uid, IReadOnlyList<ImapToken> Arguments);
