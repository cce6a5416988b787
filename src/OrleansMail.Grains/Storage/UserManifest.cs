namespace OrleansMail.Grains.Storage;

/// <summary>
/// The index manifest (grain state, written only by UserGrain, guarded by its ETag): which snapshots and log
/// segments make the index, which diverged segments were merged, and where recovery starts.
/// </summary>
/// <remarks>
/// Stored as JSON by the grain storage; also serializable by Orleans, because a live migration carries the grain's
/// persistent state in its message (the new activation reads the stored manifest again before it writes).
/// </remarks>
[GenerateSerializer, Alias("om.UserManifest")]
public sealed class UserManifest
{
    /// <summary>2 since compacted history is deleted and listed in <see cref="Retired"/>; 1 before.</summary>
    [Id(0)]
    public int Format { get; set; } = 2;

    /// <summary>The last checkpoint's sequence number.</summary>
    [Id(1)]
    public long Seq { get; set; }

    /// <summary>The activation that wrote the last checkpoint.</summary>
    [Id(2)]
    public Guid Writer { get; set; }

    /// <summary>Retained snapshots, oldest first; the newest is the current base of the index.</summary>
    [Id(3)]
    public List<ManifestObject> Snapshots { get; set; } = [];

    /// <summary>Log segments of the lineage after the oldest retained snapshot, by sequence.</summary>
    [Id(4)]
    public List<ManifestObject> Segments { get; set; } = [];

    /// <summary>Segments of other writers merged before merged segments were retired like other history (kept for old manifests).</summary>
    [Id(5)]
    public List<string> Merged { get; set; } = [];

    /// <summary>Snapshots and segments at or below this are history no longer kept: a chain starting there is salvaged, not merged.</summary>
    [Id(6)]
    public long HistoryFloorSeq { get; set; }

    /// <summary>
    /// Lineage objects compaction dropped from this manifest, deleted from the store by the next checkpoint. Until
    /// then they are not foreign segments: every other unknown segment is merged, whatever its sequence.
    /// </summary>
    [Id(7)]
    public List<string> Retired { get; set; } = [];

    /// <summary>A format-1 manifest's floor: its compacted lineage segments were kept in the store, unlisted.</summary>
    [Id(8)]
    public long LegacyFloorSeq { get; set; }

    /// <summary>Unix ms: every body created before this that was large enough has been moved to the cool storage class.</summary>
    [Id(9)]
    public long CooledBefore { get; set; }

    /// <summary>Unix ms: every body created before this is indexed or tombstoned in the checkpointed index.</summary>
    [Id(10)]
    public long RecoveryFloor { get; set; }

    public UserManifest Clone() => new()
    {
        Format = Format,
        Seq = Seq,
        Writer = Writer,
        Snapshots = [.. Snapshots],
        Segments = [.. Segments],
        Merged = [.. Merged],
        HistoryFloorSeq = HistoryFloorSeq,
        Retired = [.. Retired],
        LegacyFloorSeq = LegacyFloorSeq,
        RecoveryFloor = RecoveryFloor,
        CooledBefore = CooledBefore,
    };

    /// <summary>Whether a segment in the store is one this manifest accounts for (lineage, merged, or retired).</summary>
    public bool Accounts(string name, long seq) =>
        seq <= (Format < 2 ? HistoryFloorSeq : LegacyFloorSeq) || Segments.Any(s => s.Name == name) || Merged.Contains(name) || Retired.Contains(name);

    /// <summary>The snapshot and segments whose replay gives the state at checkpoint <paramref name="seq"/>.</summary>
    public (string? Snapshot, List<string> Segments) StateAt(long seq)
    {
        var snapshot = Snapshots.LastOrDefault(s => s.Seq <= seq);
        var from = snapshot?.Seq ?? 0;
        return (snapshot?.Name, Segments.Where(s => s.Seq > from && s.Seq <= seq).Select(s => s.Name).ToList());
    }
}
