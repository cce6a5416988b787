namespace OrleansMail.Grains.Contracts;

/// <summary>
/// A notification that a mailbox moved on: sessions fetch the details with GetChangesAsync. The epoch is the
/// grain activation's id; when it changes, a session resyncs (observers are not durable).
/// </summary>
[GenerateSerializer, Immutable, Alias("om.MailboxChange")]
public sealed record MailboxChange(
    [property: Id(0)] Guid MailboxId,
    [property: Id(1)] ulong HighestModSeq,
    [property: Id(2)] uint UidNext,
    [property: Id(3)] Guid Epoch);
