using OrleansMail.Errors;

namespace OrleansMail.MailStorage.Ingest;

/// <summary>The message exceeds the configured size limit (LMTP 552 5.3.4, IMAP APPEND NO [TOOBIG]).</summary>
public sealed class MessageTooLargeException : MailStoreException
{
    public MessageTooLargeException()
        : this(0)
    {
    }

    public MessageTooLargeException(string message)
        : base(message)
    {
        Kind = MailStoreErrorKind.Limit;
    }

    public MessageTooLargeException(string message, Exception inner)
        : base(message, inner)
    {
        Kind = MailStoreErrorKind.Limit;
    }

    public MessageTooLargeException(long limit)
        : base($"message exceeds the size limit of {limit} bytes")
    {
        Kind = MailStoreErrorKind.Limit;
        Limit = limit;
    }

    public long Limit { get; }
}
