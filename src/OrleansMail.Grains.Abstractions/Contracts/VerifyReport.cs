namespace OrleansMail.Grains.Contracts;

/// <summary>
/// Index against stored bodies (`verify`): records whose body is missing (a loss), bodies no record or tombstone
/// names (unindexed: a delivery that was never acknowledged, or one recovery has not reached), and tombstoned
/// bodies awaiting GC; and the index objects in the store against what the manifest and the index name (history
/// GC). It reports; it never deletes.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.VerifyReport")]
public sealed record VerifyReport(
    [property: Id(0)] int Records,
    [property: Id(1)] int Bodies,
    [property: Id(2)] Guid[] MissingBodies,
    [property: Id(3)] Guid[] UnindexedBodies,
    [property: Id(4)] Guid[] TombstonedBodies)
{
    /// <summary>Objects under the user's index prefix: snapshots, log segments, summary batches.</summary>
    [Id(5)]
    public int IndexObjects { get; init; }

    /// <summary>Of those, retired by the manifest and deleted by the next checkpoint.</summary>
    [Id(6)]
    public int RetiredIndexObjects { get; init; }

    /// <summary>Log segments of other writers no merge has reached yet (the periodic scan will).</summary>
    [Id(7)]
    public int UnmergedSegments { get; init; }

    /// <summary>Index objects nothing names or will read again (left by a failure between upload and manifest): a leak, never a loss.</summary>
    [Id(8)]
    public string[] UnaccountedIndexObjects { get; init; } = [];

    /// <summary>Index objects the manifest or the index names that the store does not hold: history GC deleted too much.</summary>
    [Id(9)]
    public string[] MissingIndexObjects { get; init; } = [];
}
