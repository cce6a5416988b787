using Microsoft.Extensions.Logging;
using Orleans.Storage;
using OrleansMail.Errors;
using OrleansMail.Grains.Cache;
using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;

namespace OrleansMail.Grains.Storage;

/// <summary>
/// Publishes one user's changes to the object store (docs/architecture.md, "Checkpoints"): the journal entries no
/// checkpoint holds yet go up as log segments (and a snapshot when compacting), then the manifest that names them
/// is written conditional on its ETag. Segments first, manifest last: a reader never finds a manifest naming
/// something missing. A lost ETag race means another writer exists, and the activation is fenced.
/// </summary>
internal sealed class CheckpointWriter(
    Orleans.Runtime.IPersistentState<UserManifest> manifest,
    IObjectStore store,
    UserObjectNames names,
    Guid activationId,
    int compactionSegments,
    WriterLease lease,
    MailStoreMetrics metrics,
    ILogger log,
    TimeProvider time)
{
    private const int KeptSnapshots = 3;

    /// <summary>
    /// Segments an attempt uploaded whose manifest write failed: the next attempt joins them to the lineage as
    /// they are, so a retry never rewrites (create-once) a name with different content.
    /// </summary>
    private readonly List<(long Seq, string Name, int Entries)> _staged = [];

    /// <summary>The retired names of the last manifest read or written: only those may be deleted.</summary>
    private HashSet<string> _durableRetired = [];

    /// <summary>
    /// Snapshots and summary batches this activation uploaded (or tried to) that no landed manifest holds yet. Unlike
    /// a segment, neither is joined by the next attempt (each takes a new name), so the next manifest retires those
    /// it does not name: a failed attempt leaves no object behind that nothing will ever read.
    /// </summary>
    private readonly List<string> _unpublished = [];

    /// <summary>Entries applied to the index that no landed checkpoint holds yet, in order.</summary>
    public List<JournalEntry> Pending { get; } = [];

    /// <summary>The manifest changed outside the journal (a cooling cutoff): worth a checkpoint even with nothing pending.</summary>
    public bool ManifestDirty { get; set; }

    public long LastCheckpointBytes { get; private set; }

    public UserManifest Manifest => manifest.State;

    /// <summary>Reads the stored manifest (Orleans read it before the lease was ours; a holder that ended meanwhile may have moved it).</summary>
    public async Task<UserManifest> ReadAsync(CancellationToken cancellationToken)
    {
        await manifest.ReadStateAsync(cancellationToken).ConfigureAwait(true);
        _durableRetired = [.. manifest.State.Retired];
        return manifest.State;
    }

    /// <summary>
    /// One checkpoint of <paramref name="index"/>; false when there was nothing to write. Summaries wait for a batch
    /// worth an object of its own unless <paramref name="flushSummaries"/> or a snapshot asks for them.
    /// </summary>
    public async Task<bool> WriteAsync(UserIndex index, UserSummaries summaries, LocalJournal? journal, bool forceSnapshot, bool flushSummaries)
    {
        while (true)
        {
            lease.ThrowIfFenced();

            // Summaries are a cache (a lost one is rebuilt from its body): a checkpoint after one delivery writes
            // its segment and the manifest, not a third object.
            var writeSummaries = summaries.WorthABatch(anyway: forceSnapshot || flushSummaries);
            // An object a failed attempt left unpublished is retired by a manifest even with nothing else to write.
            if (Pending.Count == 0 && !writeSummaries && !forceSnapshot && !ManifestDirty && _unpublished.Count == 0)
            {
                return false;
            }

            var old = manifest.State;
            if (forceSnapshot || SegmentsSinceSnapshot(old) + 1 >= compactionSegments)
            {
                // Found in a pass over every body, so only when the snapshot makes this checkpoint O(mailbox) anyway.
                DropUnreferencedSummaryBatches(index, journal);
            }

            var next = await NextManifestAsync(old, index).ConfigureAwait(true);
            var seq = next.Seq;
            try
            {
                if (writeSummaries)
                {
                    await WriteSummaryBatchAsync(index, summaries, journal, seq).ConfigureAwait(true);
                }

                var bytes = await UploadSegmentsAsync(next).ConfigureAwait(true);
                seq = next.Seq;
                bytes += await CompactAsync(next, index, forceSnapshot).ConfigureAwait(true);
                seq = next.Seq;

                // Past the lease's validity someone else may hold the user: take it back first (conditional on our
                // ETag, so it fails if anyone else wrote it), or leave the segment for a merge and write no manifest.
                if (!lease.IsValid)
                {
                    await lease.EnsureWritableAsync().ConfigureAwait(true);
                }

                manifest.State = next;
                await manifest.WriteStateAsync().ConfigureAwait(true);
                _durableRetired = [.. next.Retired];
                ManifestDirty = false;
                LastCheckpointBytes = bytes;
                metrics.Checkpoints.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
                metrics.CheckpointBytes.Record(bytes);
            }
            catch (InconsistentStateException e)
            {
                manifest.State = old;
                if (await AdoptOwnManifestAsync().ConfigureAwait(true))
                {
                    continue;
                }

                metrics.Checkpoints.Add(1, new KeyValuePair<string, object?>("outcome", "fenced"));
                StoreLog.CheckpointLostManifestRace(log, e, names.User, seq);
                lease.Fence();
                throw MailStoreException.Unavailable("another writer took this user over; retry", e);
            }
            catch (Exception e) when (e is not MailStoreException)
            {
                // The store, or Orleans' storage provider in front of it, failed: nothing is lost, the journal stays.
                manifest.State = old;
                throw MailStoreException.Unavailable("object store unavailable; checkpoint deferred", e);
            }
            catch (MailStoreException)
            {
                manifest.State = old;
                throw;
            }

            Pending.Clear();
            _staged.Clear();
            _unpublished.Clear();
            journal?.Rotate(new SegmentHeader(activationId, seq + 1, seq));
            return true;
        }
    }

    /// <summary>The manifest this checkpoint will write, so far: ours, upgraded, retired history deleted, staged segments joined.</summary>
    private async Task<UserManifest> NextManifestAsync(UserManifest old, UserIndex index)
    {
        var next = old.Clone();
        next.Writer = activationId;
        if (old.Format < 2)
        {
            next.LegacyFloorSeq = old.HistoryFloorSeq;
            next.Format = 2;
        }

        await DeleteRetiredAsync(next).ConfigureAwait(true);

        // Not deleted now: only once a stored manifest lists them, as for compacted history.
        var retiring = Pending.OfType<SummaryBatchesDropped>().SelectMany(d => d.BatchNames)
            .Concat(_unpublished.Where(u => !next.Snapshots.Any(s => s.Name == u) && !index.SummaryBatches.Contains(u)));
        foreach (var name in retiring)
        {
            if (!next.Retired.Contains(name))
            {
                next.Retired.Add(name);
            }
        }

        next.RecoveryFloor = Math.Max(old.RecoveryFloor, time.GetUtcNow().ToUnixTimeMilliseconds());
        foreach (var staged in _staged)
        {
            next.Segments.Add(new ManifestObject(staged.Seq, staged.Name));
            next.Seq = staged.Seq;
        }

        return next;
    }

    private async Task WriteSummaryBatchAsync(UserIndex index, UserSummaries summaries, LocalJournal? journal, long seq)
    {
        var batchName = SegmentNames.SummaryBatch(seq + 1, activationId);
        _unpublished.Add(batchName);
        await summaries.WriteBatchAsync(batchName).ConfigureAwait(true);
        var stored = new SummaryBatchStored(time.GetUtcNow().ToUnixTimeMilliseconds(), batchName, [.. summaries.PendingBodies]);
        index.Apply(stored);
        Pending.Add(stored);
        journal?.Append(stored);
        summaries.BatchStored(batchName);
    }

    /// <summary>
    /// Summary batches whose every body has been expunged go from the index now and from the store two checkpoints
    /// on (docs/architecture.md, "History GC"); a batch that still holds one live summary is kept whole.
    /// </summary>
    private void DropUnreferencedSummaryBatches(UserIndex index, LocalJournal? journal)
    {
        var unreferenced = index.UnreferencedSummaryBatches();
        if (unreferenced.Length == 0)
        {
            return;
        }

        var dropped = new SummaryBatchesDropped(time.GetUtcNow().ToUnixTimeMilliseconds(), unreferenced);
        index.Apply(dropped);
        Pending.Add(dropped);
        journal?.Append(dropped);
    }

    private static int SegmentsSinceSnapshot(UserManifest m) => m.Segments.Count(s => s.Seq > (m.Snapshots.LastOrDefault()?.Seq ?? 0));

    /// <summary>Uploads the pending entries no staged segment covers as one new segment; its size in bytes.</summary>
    private async Task<long> UploadSegmentsAsync(UserManifest next)
    {
        long bytes = 0;
        var covered = _staged.Sum(s => s.Entries);
        while (Pending.Count > covered)
        {
            var seq = next.Seq + 1;
            var segment = new SegmentHeader(activationId, seq, seq - 1);
            var data = JournalSegment.ToBytes(segment, Pending.Skip(covered));
            var entries = Pending.Count - covered;
            if (!await store.CreateAsync(names.Index(segment.ObjectName), data).ConfigureAwait(true))
            {
                // An earlier attempt wrote this segment and lost the answer: it holds a prefix of the pending entries.
                entries = (await new IndexLoader(store, names).ReadSegmentAsync(segment.ObjectName).ConfigureAwait(true)).Entries.Count;
            }

            _staged.Add((seq, segment.ObjectName, entries));
            next.Segments.Add(new ManifestObject(seq, segment.ObjectName));
            next.Seq = seq;
            covered += entries;
            bytes += data.Length;
        }

        return bytes;
    }

    /// <summary>
    /// Every so many segments (or when asked, after a merge) a snapshot of the whole index; past the kept
    /// snapshots, the oldest and the segments before the new history floor are retired. Its size in bytes.
    /// </summary>
    private async Task<long> CompactAsync(UserManifest next, UserIndex index, bool forceSnapshot)
    {
        if (!forceSnapshot && SegmentsSinceSnapshot(next) < compactionSegments)
        {
            return 0;
        }

        if (next.Seq == manifest.State.Seq)
        {
            next.Seq++; // a snapshot alone (after a merge) is a checkpoint of its own
        }

        var name = SegmentNames.Snapshot(next.Seq, activationId) + "-" + Guid.NewGuid().ToString("N")[..8];
        var data = IndexWriter.SnapshotBytes(index);
        _unpublished.Add(name);
        await store.CreateAsync(names.Index(name), data).ConfigureAwait(true);
        next.Snapshots.Add(new ManifestObject(next.Seq, name));
        if (next.Snapshots.Count > KeptSnapshots)
        {
            var dropped = next.Snapshots.Count - KeptSnapshots;
            next.Retired.AddRange(next.Snapshots.Take(dropped).Select(s => s.Name));
            next.Snapshots.RemoveRange(0, dropped);
            next.HistoryFloorSeq = next.Snapshots[0].Seq;
            next.Retired.AddRange(next.Segments.Where(s => s.Seq <= next.HistoryFloorSeq).Select(s => s.Name));
            next.Segments.RemoveAll(s => s.Seq <= next.HistoryFloorSeq);
        }

        return data.Length;
    }

    /// <summary>
    /// Deletes the history an earlier checkpoint compacted away (its manifest no longer names it, so no reader needs
    /// it); what could not be deleted stays listed for the next checkpoint.
    /// </summary>
    private async Task DeleteRetiredAsync(UserManifest next)
    {
        // Only what a stored manifest already retired: a merge retires its segments in memory, and until the
        // checkpoint holding the merged index lands they are all a crash would have.
        foreach (var name in next.Retired.Where(_durableRetired.Contains).ToList())
        {
            try
            {
                await store.DeleteAsync(names.Index(name)).ConfigureAwait(true);
                next.Retired.Remove(name);
            }
            catch (ObjectStoreUnavailableException e)
            {
                StoreLog.CompactedObjectDeleteFailed(log, e, names.User, name);
                return;
            }
        }
    }

    /// <summary>
    /// After a lost ETag race: if the stored manifest is our own (a write whose answer was lost), adopt it and
    /// drop what it already made durable; true then. Otherwise another writer exists.
    /// </summary>
    private async Task<bool> AdoptOwnManifestAsync()
    {
        try
        {
            await manifest.ReadStateAsync().ConfigureAwait(true);
        }
        catch (Exception e)
        {
            throw MailStoreException.Unavailable("object store unavailable; checkpoint deferred", e);
        }

        var stored = manifest.State;
        if (stored.Writer != activationId)
        {
            return false;
        }

        _durableRetired = [.. stored.Retired];
        var durable = _staged.Where(s => s.Seq <= stored.Seq).ToList();
        Pending.RemoveRange(0, durable.Sum(s => s.Entries));
        _staged.RemoveAll(s => s.Seq <= stored.Seq);
        StoreLog.LandedCheckpointAdopted(log, names.User, stored.Seq);
        return true;
    }
}
