namespace OrleansMail.Imap.Protocol;

/// <summary>A command's arguments do not parse: answered BAD with the message, and the session goes on.</summary>
public sealed class ImapSyntaxException : Exception
{
    public ImapSyntaxException()
    {
    }

    public ImapSyntaxException(string message)
        : base(message)
    {
    }

    public ImapSyntaxException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
