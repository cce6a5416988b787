namespace OrleansMail.ManageSieve;

/// <summary>A command that fails with NO, its response code (RFC 5804 §1.3) and text.</summary>
public sealed class ManageSieveNoException : Exception
{
    public ManageSieveNoException()
    {
    }

    public ManageSieveNoException(string message)
        : base(message)
    {
    }

    public ManageSieveNoException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ManageSieveNoException(string? code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>"NONEXISTENT", "QUOTA/MAXSIZE", …; null for none.</summary>
    public string? Code { get; }
}
