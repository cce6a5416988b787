namespace OrleansMail.Grains.Contracts;

/// <summary>Where a saved message landed: enough for APPENDUID (RFC 4315).</summary>
[GenerateSerializer, Immutable, Alias("om.SaveResult")]
public sealed record SaveResult(
    [property: Id(0)] Guid MailboxId,
    [property: Id(1)] uint UidValidity,
    [property: Id(2)] uint Uid,
    [property: Id(3)] ulong ModSeq,
    [property: Id(4)] bool AlreadyIndexed);
