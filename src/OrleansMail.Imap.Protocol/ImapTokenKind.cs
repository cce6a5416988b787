namespace OrleansMail.Imap.Protocol;

/// <summary>What an <see cref="ImapToken"/> is (RFC 3501 §4): atoms keep bracketed sections whole, strings know whether they came as literals.</summary>
public enum ImapTokenKind
{
    Atom,
    Quoted,
    Literal,
    List,

    /// <summary>A literal the session streamed elsewhere (APPEND's message); the token carries no bytes.</summary>
    StreamedLiteral,
}
