using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>STORE's outcome: the records now changed, and the UIDs refused by UNCHANGEDSINCE (RFC 7162 [MODIFIED]).</summary>
[GenerateSerializer, Immutable, Alias("om.StoreResult")]
public sealed record StoreResult(
    [property: Id(0)] MessageView[] Changed,
    [property: Id(1)] UidSet Modified,
    [property: Id(2)] ulong HighestModSeq);
