namespace OrleansMail.ObjectStore.Leases;

/// <summary>The lease changed under its holder: someone else took the user, so this holder must stop writing.</summary>
public sealed class LeaseLostException : Exception
{
    public LeaseLostException()
    {
    }

    public LeaseLostException(string message)
        : base(message)
    {
    }

    public LeaseLostException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
