namespace OrleansMail.ObjectStore.Leases;

/// <summary>Another live holder has the user: the activation fails as transient and the caller retries.</summary>
public sealed class LeaseHeldException : Exception
{
    public LeaseHeldException()
    {
    }

    public LeaseHeldException(string message)
        : base(message)
    {
    }

    public LeaseHeldException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
