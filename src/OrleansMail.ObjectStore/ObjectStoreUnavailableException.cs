namespace OrleansMail.ObjectStore;

/// <summary>The store did not answer, or answered with a transient error: retry later (LMTP 451, IMAP NO [UNAVAILABLE]).</summary>
public sealed class ObjectStoreUnavailableException : Exception
{
    public ObjectStoreUnavailableException()
    {
    }

    public ObjectStoreUnavailableException(string message)
        : base(message)
    {
    }

    public ObjectStoreUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
