namespace OrleansMail.Sieve;

/// <summary>The lexical classes of RFC 5228 §8.1.</summary>
public enum SieveTokenKind
{
    Identifier,
    Tag,
    Number,
    String,
    LeftBracket,
    RightBracket,
    LeftParen,
    RightParen,
    Comma,
    Semicolon,
    LeftBrace,
    RightBrace,
    End,
}
