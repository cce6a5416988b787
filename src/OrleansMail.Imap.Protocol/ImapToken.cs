using System.Text;

namespace OrleansMail.Imap.Protocol;

/// <summary>One argument of a command: an atom, a string (quoted or literal) or a parenthesised list of tokens.</summary>
public sealed class ImapToken
{
    private ImapToken(ImapTokenKind kind, string? text, byte[]? bytes, List<ImapToken>? items)
    {
        Kind = kind;
        _text = text;
        Bytes = bytes;
        Items = items ?? [];
    }

    private string? _text;

    public ImapTokenKind Kind { get; }

    /// <summary>The raw octets of a literal.</summary>
    public byte[]? Bytes { get; }

    public List<ImapToken> Items { get; }

    /// <summary>The atom or string as text (literals decoded as UTF-8).</summary>
    public string Text => _text ??= Bytes is null ? "" : Encoding.UTF8.GetString(Bytes);

    public bool IsAtom => Kind == ImapTokenKind.Atom;

    public bool IsString => Kind is ImapTokenKind.Atom or ImapTokenKind.Quoted or ImapTokenKind.Literal;

    public bool IsList => Kind == ImapTokenKind.List;

    /// <summary>An atom NIL (RFC 3501 nstring).</summary>
    public bool IsNil => Kind == ImapTokenKind.Atom && string.Equals(_text, "NIL", StringComparison.OrdinalIgnoreCase);

    /// <summary>A message of APPEND or REPLACE: its streamed literal, or RFC 6855's "UTF8 (literal8)" around one.</summary>
    public bool IsMessage => Kind == ImapTokenKind.StreamedLiteral || (Kind == ImapTokenKind.List && Items is [{ Kind: ImapTokenKind.StreamedLiteral }]);

    public bool Is(string atom) => Kind == ImapTokenKind.Atom && string.Equals(_text, atom, StringComparison.OrdinalIgnoreCase);

    public static ImapToken Atom(string text) => new(ImapTokenKind.Atom, text, null, null);

    public static ImapToken Quoted(string text) => new(ImapTokenKind.Quoted, text, null, null);

    public static ImapToken Literal(byte[] bytes) => new(ImapTokenKind.Literal, null, bytes, null);

    public static ImapToken List() => new(ImapTokenKind.List, null, null, []);

    public static ImapToken Streamed() => new(ImapTokenKind.StreamedLiteral, "", null, null);

    public override string ToString() => Kind switch
    {
        ImapTokenKind.List => "(" + string.Join(' ', Items) + ")",
        ImapTokenKind.Quoted => "\"" + Text + "\"",
        ImapTokenKind.Literal => "{" + Bytes!.Length + "}",
        ImapTokenKind.StreamedLiteral => "{streamed}",
        _ => Text,
    };
}
