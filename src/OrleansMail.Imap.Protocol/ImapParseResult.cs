namespace OrleansMail.Imap.Protocol;

/// <summary>The outcome of one <see cref="ImapCommandParser.Parse"/> call.</summary>
public readonly record struct ImapParseResult(
    ImapParseStatus Status,
    ImapCommand? Command = null,
    string? Tag = null,
    string? Error = null,
    bool Fatal = false,
    long LiteralLength = 0,
    bool LiteralSynchronizing = false,
    string? ErrorCode = null);
