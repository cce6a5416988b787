namespace OrleansMail.Grains.Contracts;

/// <summary>One METADATA entry (RFC 5464): its lower-case name and its value, null when it has none (or is to be removed).</summary>
[GenerateSerializer, Immutable, Alias("om.MetadataEntry")]
public sealed record MetadataEntry(
    [property: Id(0)] string Name,
    [property: Id(1)] byte[]? Value);
