using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>
/// What changed in a mailbox after a modseq: changed records and vanished UIDs. <see cref="VanishedComplete"/> is
/// false when the expunge history was trimmed past the asked modseq (the caller must then compare full UID lists).
/// </summary>
[GenerateSerializer, Immutable, Alias("om.ChangeSet")]
public sealed record ChangeSet(
    [property: Id(0)] MessageView[] Changed,
    [property: Id(1)] UidSet Vanished,
    [property: Id(2)] bool VanishedComplete,
    [property: Id(3)] ulong HighestModSeq,
    [property: Id(4)] uint UidNext,
    [property: Id(5)] uint UidValidity);
