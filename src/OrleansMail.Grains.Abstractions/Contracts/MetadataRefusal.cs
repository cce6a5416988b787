namespace OrleansMail.Grains.Contracts;

/// <summary>Why a SETMETADATA changed nothing (RFC 5464 §4.3's response codes), with the limit it met.</summary>
[GenerateSerializer, Immutable, Alias("om.MetadataRefusal")]
public sealed record MetadataRefusal(
    [property: Id(0)] MetadataRefusalKind Kind,
    [property: Id(1)] long Limit)
{
    public static readonly MetadataRefusal None = new(MetadataRefusalKind.None, 0);
}
