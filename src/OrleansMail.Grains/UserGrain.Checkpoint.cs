using Microsoft.Extensions.Logging;
using Orleans.Storage;
using OrleansMail.Errors;
using OrleansMail.Grains.Storage;
using OrleansMail.Identity;
using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.ObjectStore;

namespace OrleansMail.Grains;

/// <summary>Checkpoints (segment first, then manifest) and body GC.</summary>
public sealed partial class UserGrain
{
    private const int KeptSnapshots = 3;

    private async Task PeriodicCheckpointAsync(CancellationToken cancellationToken)
    {
        await CoolBodiesWhenDueAsync().ConfigureAwait(true);
        await TryCheckpointAsync().ConfigureAwait(true);
        if (_index.Tombstones.Count > 0)
        {
            try
            {
                await CollectGarbageAsync().ConfigureAwait(true);
            }
            catch (MailStoreException e)
            {
                StoreLog.BodyGCDeferred(_log, e, _names.User);
            }
        }
    }

    private async Task TryCheckpointAsync()
    {
        try
        {
            await CheckpointCoreAsync(forceSnapshot: false).ConfigureAwait(true);
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.Unavailable)
        {
            StoreLog.CheckpointFailed(_log, e, _names.User, _pending.Count);
        }
    }

    /// <summary>
    /// Uploads the journal tail as log-{seq}-{activation} (and a snapshot when compacting), then writes the manifest
    /// with its ETag. A lost ETag race means another writer exists: fence this activation. Segments uploaded by an
    /// attempt whose manifest write failed are kept as staged and joined to the lineage by the next attempt, so a
    /// retry never rewrites (create-once) a name with different content.
    /// </summary>
    private async Task CheckpointCoreAsync(bool forceSnapshot)
    {
        if (_fenced)
        {
            throw MailStoreException.Unavailable("another writer took this user over; retry");
        }

        // Summaries are a cache (a lost one is rebuilt from its body), so they wait for a batch worth an object of
        // its own: a checkpoint after one delivery writes its segment and the manifest, not a third object.
        var writeSummaries = _summaries.WorthABatch(anyway: forceSnapshot || _flushSummaries);
        if (_pending.Count == 0 && !writeSummaries && !forceSnapshot && !_manifestDirty)
        {
            return;
        }

        var started = _time.GetUtcNow();
        var old = _manifest.State;
        var next = old.Clone();
        next.Writer = _activationId;
        if (old.Format < 2)
        {
            next.LegacyFloorSeq = old.HistoryFloorSeq;
            next.Format = 2;
        }

        await DeleteRetiredAsync(next).ConfigureAwait(true);
        next.RecoveryFloor = Math.Max(old.RecoveryFloor, started.ToUnixTimeMilliseconds());
        var seq = old.Seq;
        var covered = 0;
        foreach (var staged in _staged)
        {
            next.Segments.Add(new ManifestObject(staged.Seq, staged.Name));
            seq = staged.Seq;
            covered += staged.Entries;
        }

        try
        {
            if (writeSummaries)
            {
                var batchName = SegmentNames.SummaryBatch(seq + 1, _activationId);
                await _summaries.WriteBatchAsync(batchName).ConfigureAwait(true);
                var stored = new SummaryBatchStored(Now, batchName, [.. _summaries.PendingBodies]);
                _index.Apply(stored);
                _pending.Add(stored);
                _journal?.Append(stored);
                _summaries.BatchStored(batchName);
            }

            long bytes = 0;
            while (_pending.Count > covered)
            {
                seq++;
                var segment = new SegmentHeader(_activationId, seq, seq - 1);
                var data = JournalSegment.ToBytes(segment, _pending.Skip(covered));
                var entries = _pending.Count - covered;
                if (!await _store.CreateAsync(_names.Index(segment.ObjectName), data).ConfigureAwait(true))
                {
                    // An earlier attempt wrote this segment and lost the answer: it holds a prefix of the pending entries.
                    entries = (await new IndexLoader(_store, _names).ReadSegmentAsync(segment.ObjectName).ConfigureAwait(true)).Entries.Count;
                }

                _staged.Add((seq, segment.ObjectName, entries));
                next.Segments.Add(new ManifestObject(seq, segment.ObjectName));
                covered += entries;
                bytes += data.Length;
            }

            var sinceSnapshot = next.Segments.Count(s => s.Seq > (next.Snapshots.LastOrDefault()?.Seq ?? 0));
            if (forceSnapshot || sinceSnapshot >= _options.CompactionSegments)
            {
                if (seq == old.Seq)
                {
                    seq++; // a snapshot alone (after a merge) is a checkpoint of its own
                }

                var name = SegmentNames.Snapshot(seq, _activationId) + "-" + Guid.NewGuid().ToString("N")[..8];
                var data = IndexWriter.SnapshotBytes(_index);
                await _store.CreateAsync(_names.Index(name), data).ConfigureAwait(true);
                next.Snapshots.Add(new ManifestObject(seq, name));
                bytes += data.Length;
                if (next.Snapshots.Count > KeptSnapshots)
                {
                    var dropped = next.Snapshots.Count - KeptSnapshots;
                    next.Retired.AddRange(next.Snapshots.Take(dropped).Select(s => s.Name));
                    next.Snapshots.RemoveRange(0, dropped);
                    next.HistoryFloorSeq = next.Snapshots[0].Seq;
                    next.Retired.AddRange(next.Segments.Where(s => s.Seq <= next.HistoryFloorSeq).Select(s => s.Name));
                    next.Segments.RemoveAll(s => s.Seq <= next.HistoryFloorSeq);
                }
            }

            // Past the lease's validity someone else may hold the user: take it back first (conditional on our
            // ETag, so it fails if anyone else wrote it), or leave the segment for a merge and write no manifest.
            if (!_lease.IsValid)
            {
                await EnsureWritableAsync().ConfigureAwait(true);
            }

            next.Seq = seq;
            _manifest.State = next;
            await _manifest.WriteStateAsync().ConfigureAwait(true);
            _durableRetired = [.. next.Retired];
            _manifestDirty = false;
            _lastCheckpointBytes = bytes;
            _metrics.Checkpoints.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
            _metrics.CheckpointBytes.Record(bytes);
        }
        catch (InconsistentStateException e)
        {
            _manifest.State = old;
            if (await AdoptOwnManifestAsync().ConfigureAwait(true))
            {
                await CheckpointCoreAsync(forceSnapshot).ConfigureAwait(true);
                return;
            }

            _fenced = true;
            _metrics.Checkpoints.Add(1, new KeyValuePair<string, object?>("outcome", "fenced"));
            StoreLog.CheckpointLostManifestRace(_log, e, _names.User, seq);
            DeactivateOnIdle();
            throw MailStoreException.Unavailable("another writer took this user over; retry", e);
        }
        catch (Exception e) when (e is not MailStoreException)
        {
            // The store, or Orleans' storage provider in front of it, failed: nothing is lost, the journal stays.
            _manifest.State = old;
            throw MailStoreException.Unavailable("object store unavailable; checkpoint deferred", e);
        }
        catch (MailStoreException)
        {
            _manifest.State = old;
            throw;
        }

        _pending.Clear();
        _staged.Clear();
        _allocatedSinceCheckpoint = 0;
        _journal?.Rotate(new SegmentHeader(_activationId, seq + 1, seq));
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
                await _store.DeleteAsync(_names.Index(name)).ConfigureAwait(true);
                next.Retired.Remove(name);
            }
            catch (ObjectStoreUnavailableException e)
            {
                StoreLog.CompactedObjectDeleteFailed(_log, e, _names.User, name);
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
            await _manifest.ReadStateAsync().ConfigureAwait(true);
        }
        catch (Exception e)
        {
            throw MailStoreException.Unavailable("object store unavailable; checkpoint deferred", e);
        }

        var stored = _manifest.State;
        if (stored.Writer != _activationId)
        {
            return false;
        }

        _durableRetired = [.. stored.Retired];
        var durable = _staged.Where(s => s.Seq <= stored.Seq).ToList();
        _pending.RemoveRange(0, durable.Sum(s => s.Entries));
        _staged.RemoveAll(s => s.Seq <= stored.Seq);
        StoreLog.LandedCheckpointAdopted(_log, _names.User, stored.Seq);
        return true;
    }

    public async Task<int> CollectGarbageAsync()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var due = _index.Tombstones.Where(t => t.Value + (long)_options.GarbageGracePeriod.TotalMilliseconds <= now).Select(t => t.Key).ToList();
        if (due.Count == 0)
        {
            return 0; // before the lease check: tombstones waiting out their grace period cost no lease write
        }

        await EnsureWritableAsync().ConfigureAwait(true);

        // A segment no manifest reaches may still reference a body (a zombie's COPY): wait until it is merged.
        var manifest = _manifest.State;
        await foreach (var entry in _store.ListAllAsync(_names.IndexPrefix).ConfigureAwait(true))
        {
            var name = entry.Name[_names.IndexPrefix.Length..];
            if (SegmentNames.TryParseLog(name, out var seq, out _) && !manifest.Accounts(name, seq))
            {
                StoreLog.BodyGCWaitsUnmergedSegment(_log, _names.User, name);
                return 0;
            }
        }

        var deleted = 0;
        var cleared = new List<JournalEntry>();
        foreach (var body in due)
        {
            try
            {
                if (BodyIds.IsShared(body))
                {
                    await DeleteSharedCopyAsync(body).ConfigureAwait(true);
                }
                else
                {
                    await _store.DeleteAsync(_names.Body(body)).ConfigureAwait(true);
                }
            }
            catch (ObjectStoreUnavailableException e)
            {
                StoreLog.BodyDeleteFailed(_log, e, _names.User, body);
                break;
            }

            cleared.Add(new TombstoneCleared(Now, body));
            deleted++;
        }

        await CommitAsync(cleared).ConfigureAwait(true);
        return deleted;
    }

    private Task DeleteSharedCopyAsync(Guid body) => SharedCopies.DeleteCopyAsync(_store, _names.Body(body));
}
