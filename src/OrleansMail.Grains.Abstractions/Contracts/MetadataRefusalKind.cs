namespace OrleansMail.Grains.Contracts;

/// <summary>What a SETMETADATA ran into: nothing, a value over the size limit (MAXSIZE), or the user's count or bytes (TOOMANY).</summary>
public enum MetadataRefusalKind
{
    None = 0,
    ValueTooLarge = 1,
    TooMany = 2,
}
