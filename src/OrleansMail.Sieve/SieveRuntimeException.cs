namespace OrleansMail.Sieve;

/// <summary>A run that cannot finish (too many actions, actions that exclude each other): the caller keeps the message in INBOX (RFC 5228 §2.10.6).</summary>
public sealed class SieveRuntimeException : Exception
{
    public SieveRuntimeException()
    {
    }

    public SieveRuntimeException(string message)
        : base(message)
    {
    }

    public SieveRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
