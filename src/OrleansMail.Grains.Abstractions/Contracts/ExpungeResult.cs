using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>The UIDs an expunge removed, the modseq it ran at, and the mailbox's modseq before it (see <see cref="StoreResult"/>).</summary>
[GenerateSerializer, Immutable, Alias("om.ExpungeResult")]
public sealed record ExpungeResult(
    [property: Id(0)] UidSet Expunged,
    [property: Id(1)] ulong ModSeq,
    [property: Id(2)] ulong PreviousModSeq = 0);
