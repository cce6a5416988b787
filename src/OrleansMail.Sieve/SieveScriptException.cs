namespace OrleansMail.Sieve;

/// <summary>A script that cannot run: a syntax error, an unknown or unrequired command, a bad argument, a limit passed.</summary>
public sealed class SieveScriptException : Exception
{
    public SieveScriptException(string reason, SievePosition position)
        : base($"{position}: {reason}")
    {
        Reason = reason;
        Position = position;
    }

    public SieveScriptException()
    {
        Reason = "";
    }

    public SieveScriptException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    public SieveScriptException(string message)
        : base(message)
    {
        Reason = message;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    public SievePosition Position { get; }
}
