using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>
/// STORE's outcome: the records now changed, the UIDs refused by UNCHANGEDSINCE (RFC 7162 [MODIFIED]), and the
/// mailbox's modseq before and after: a session whose view was at the one before has seen every change up to the one
/// after, its own included, and needs no look at the store for it.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.StoreResult")]
public sealed record StoreResult(
    [property: Id(0)] MessageView[] Changed,
    [property: Id(1)] UidSet Modified,
    [property: Id(2)] ulong HighestModSeq,
    [property: Id(3)] ulong PreviousHighestModSeq = 0);
