using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>COPYUID data (RFC 4315): source UIDs and, in the same order, the new UIDs; for a MOVE also what was expunged.</summary>
[GenerateSerializer, Immutable, Alias("om.CopyResult")]
public sealed record CopyResult(
    [property: Id(0)] uint DestinationUidValidity,
    [property: Id(1)] uint[] SourceUids,
    [property: Id(2)] uint[] DestinationUids,
    [property: Id(3)] UidSet Expunged);
