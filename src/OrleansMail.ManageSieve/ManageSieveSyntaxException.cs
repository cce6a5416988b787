namespace OrleansMail.ManageSieve;

/// <summary>A command that cannot be read; the rest of its line is dropped and the session answers NO and goes on.</summary>
public sealed class ManageSieveSyntaxException : Exception
{
    public ManageSieveSyntaxException()
    {
    }

    public ManageSieveSyntaxException(string message)
        : base(message)
    {
    }

    public ManageSieveSyntaxException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
