namespace OrleansMail.Grains.Contracts;

/// <summary>
/// Index against stored bodies (`verify`): records whose body is missing (a loss), bodies no record or tombstone
/// names (unindexed: a delivery that was never acknowledged, or one recovery has not reached), and tombstoned
/// bodies awaiting GC. It reports; it never deletes.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.VerifyReport")]
public sealed record VerifyReport(
    [property: Id(0)] int Records,
    [property: Id(1)] int Bodies,
    [property: Id(2)] Guid[] MissingBodies,
    [property: Id(3)] Guid[] UnindexedBodies,
    [property: Id(4)] Guid[] TombstonedBodies);
