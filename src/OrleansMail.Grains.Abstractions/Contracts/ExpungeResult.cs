using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>The UIDs an expunge removed and the modseq it ran at.</summary>
[GenerateSerializer, Immutable, Alias("om.ExpungeResult")]
public sealed record ExpungeResult(
    [property: Id(0)] UidSet Expunged,
    [property: Id(1)] ulong ModSeq);
