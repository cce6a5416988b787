namespace OrleansMail.Index.Model;

/// <summary>A journal entry or stored index does not fit the state it is applied to.</summary>
public sealed class IndexCorruptException : Exception
{
    public IndexCorruptException()
    {
    }

    public IndexCorruptException(string message)
        : base(message)
    {
    }

    public IndexCorruptException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
