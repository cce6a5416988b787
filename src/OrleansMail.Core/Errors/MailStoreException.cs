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

    /// <summary>Kept in HResult, which survives serialization across grain calls where custom properties may not.</summary>
    public MailStoreErrorKind Kind
    {
        get => (HResult & unchecked((int)0xFFFFFF00)) == KindBase ? (MailStoreErrorKind)(HResult & 0xFF) : MailStoreErrorKind.Invalid;
        init => HResult = KindBase | (int)value;
    }

    private const int KindBase = unchecked((int)0xA04D5300);

    public static MailStoreException NotFound(string message) => new(message) { Kind = MailStoreErrorKind.NotFound };

    public static MailStoreException AlreadyExists(string message) => new(message) { Kind = MailStoreErrorKind.AlreadyExists };

    public static MailStoreException Invalid(string message) => new(message) { Kind = MailStoreErrorKind.Invalid };

    public static MailStoreException LimitReached(string message) => new(message) { Kind = MailStoreErrorKind.Limit };

    public static MailStoreException OverQuota(string message) => new(message) { Kind = MailStoreErrorKind.OverQuota };

    public static MailStoreException NoPermission(string message) => new(message) { Kind = MailStoreErrorKind.NoPermission };

    public static MailStoreException InUse(string message) => new(message) { Kind = MailStoreErrorKind.InUse };

    public static MailStoreException Unavailable(string message, Exception? inner = null) => new(message, inner) { Kind = MailStoreErrorKind.Unavailable };
}
