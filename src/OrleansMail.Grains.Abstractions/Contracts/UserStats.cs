namespace OrleansMail.Grains.Contracts;

/// <summary>What `user show` prints: sizes, the checkpoint state and who holds the lease.</summary>
[GenerateSerializer, Immutable, Alias("om.UserStats")]
public sealed record UserStats(
    [property: Id(0)] int Mailboxes,
    [property: Id(1)] int Messages,
    [property: Id(2)] long Bytes,
    [property: Id(3)] long CheckpointSeq,
    [property: Id(4)] int PendingChanges,
    [property: Id(5)] Guid ActivationId,
    [property: Id(6)] string Silo,
    [property: Id(7)] int Tombstones,
    [property: Id(8)] long LastCheckpointBytes,
    [property: Id(9)] string LoadedFrom,
    [property: Id(10)] int Observers = 0);
