namespace OrleansMail.Errors;

/// <summary>Base of the typed errors the store reports; front ends map each kind to a protocol answer.</summary>
[Serializable]
public class MailStoreException : Exception
{
    public MailStoreException()
    {
    }

    public MailStoreException(string message)
        : base(message)
    {
    }

    public MailStoreException(string message, Exception? inner)
        : base(message, inner)
    {
    }

    public MailStoreErrorKind Kind { get; init; } = MailStoreErrorKind.Invalid;

    public static MailStoreException NotFound(string message) => new(message) { Kind = MailStoreErrorKind.NotFound };

    public static MailStoreException AlreadyExists(string message) => new(message) { Kind = MailStoreErrorKind.AlreadyExists };

    public static MailStoreException Invalid(string message) => new(message) { Kind = MailStoreErrorKind.Invalid };

    public static MailStoreException Unavailable(string message, Exception? inner = null) => new(message, inner) { Kind = MailStoreErrorKind.Unavailable };
}
