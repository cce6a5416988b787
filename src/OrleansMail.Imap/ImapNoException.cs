namespace OrleansMail.Imap;

/// <summary>A command that is well formed but refused: answered NO with an optional response code (RFC 5530).</summary>
public sealed class ImapNoException : Exception
{
    public ImapNoException()
    {
    }

    public ImapNoException(string message)
        : base(message)
    {
    }

    public ImapNoException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ImapNoException(string? code, string message)
        : base(message)
    {
        Code = code;
    }

    public string? Code { get; }
}
