namespace OrleansMail.Imap.Protocol;

/// <summary>What the parser needs next from its caller.</summary>
public enum ImapParseStatus
{
    /// <summary>Everything buffered is consumed or examined; read more.</summary>
    NeedMore,

    /// <summary>A synchronizing literal follows: send a continuation request ("+ ..."), then parse again.</summary>
    NeedContinuation,

    /// <summary>A literal the caller streams itself (APPEND's message): read <see cref="ImapParseResult.LiteralLength"/> octets, then call <see cref="ImapCommandParser.ResumeAfterStreamedLiteral"/>.</summary>
    StreamLiteral,

    Command,

    /// <summary>The command is malformed or over a limit; answer BAD (or BYE when <see cref="ImapParseResult.Fatal"/>). The parser has skipped it.</summary>
    Error,
}
