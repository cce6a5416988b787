namespace OrleansMail.ObjectStore;

/// <summary>A conditional write lost: the object changed (or appeared) since the caller read it.</summary>
public sealed class ObjectConditionFailedException : Exception
{
    public ObjectConditionFailedException()
    {
    }

    public ObjectConditionFailedException(string message)
        : base(message)
    {
    }

    public ObjectConditionFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
