using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using OrleansMail.Errors;
using OrleansMail.Grains.Cache;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Observers;
using OrleansMail.Grains.Storage;
using OrleansMail.Identity;
using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Merge;
using OrleansMail.Index.Model;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.ObjectStore.Leases;

namespace OrleansMail.Grains;

/// <summary>Activation and deactivation: lease, load, merge of diverged segments, recovery after an unclean end.</summary>
public sealed partial class UserGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _names = UserObjectNames.For(this.GetPrimaryKeyString());
        _lease = new WriterLease(_store, _names, _silo.SiloAddress.ToParsableString(), _activationId, _options.LeaseDuration, _options.RenewLeaseWhileIdle, _log, _time, DeactivateOnIdle);
        _checkpoints = new CheckpointWriter(_manifest, _store, _names, _activationId, _options.CompactionSegments, _lease, _metrics, _log, _time);
        _commands = NewCommands();
        _observers = new MailboxObservers(_time, _log, _names.User);
        TakeHandedOverObservers();
        _summaries = new UserSummaries(_store, _names, _options.SummaryBatchBytes, _options.SummaryCacheBytesPerUser, _metrics);
        LeaseAcquisition acquisition;
        try
        {
            acquisition = await _lease.Lease.AcquireAsync(IsSiloDeadAsync, cancellationToken).ConfigureAwait(true);
        }
        catch (LeaseHeldException e)
        {
            throw MailStoreException.Unavailable("this user is active elsewhere; retry", e);
        }
        catch (ObjectStoreUnavailableException e)
        {
            throw MailStoreException.Unavailable("object store unavailable", e);
        }

        try
        {
            await ActivateIndexAsync(acquisition, cancellationToken).ConfigureAwait(true);
        }
        catch (Exception e)
        {
            // Hand the lease back as an unclean end, so the next try recovers instead of waiting for expiry.
            StoreLog.ActivationFailed(_log, e, _names.User);
            await _lease.TryAbandonAsync().ConfigureAwait(true);
            throw e is MailStoreException ? e : e is ObjectStoreUnavailableException ? MailStoreException.Unavailable("object store unavailable", e) : e;
        }

        _metrics.ActiveUsers.Add(1);
        _localUsers.Add(this.GetPrimaryKeyString());
        StartFullText();
        this.RegisterGrainTimer(_lease.RenewOnTimerAsync, new GrainTimerCreationOptions
        {
            DueTime = _options.LeaseDuration / 4,
            Period = _options.LeaseDuration / 4,
            Interleave = true,
        });
        this.RegisterGrainTimer(PeriodicCheckpointAsync, new GrainTimerCreationOptions
        {
            DueTime = _options.CheckpointInterval,
            Period = _options.CheckpointInterval,
            Interleave = false,
        });

        // A segment uploaded while this activation lives (a zombie's hand-over, a returning node whose call did not
        // get through) is found by this scan at the latest: a user kept active by an IDLE session still merges it.
        this.RegisterGrainTimer(_ => ScanForeignSegmentsAsync(), new GrainTimerCreationOptions
        {
            DueTime = _options.ForeignSegmentScanInterval,
            Period = _options.ForeignSegmentScanInterval,
            Interleave = false,
        });
    }

    public async Task<int> MergeForeignSegmentsAsync()
    {
        _lease.ThrowIfFenced();

        var merged = await MergeDivergedAsync(CancellationToken.None).ConfigureAwait(true);
        if (merged == 0)
        {
            return 0;
        }

        // As at activation: commit the merged index as a snapshot checkpoint before anything else is acknowledged,
        // then tell the sessions; the merged changes carry modseqs above both sides, so they resync by CHANGEDSINCE.
        await CheckpointCoreAsync(forceSnapshot: true).ConfigureAwait(true);
        _commands = NewCommands();
        Notify([.. _index.Mailboxes.Keys]);
        return merged;
    }

    private async Task ScanForeignSegmentsAsync()
    {
        try
        {
            if (!_lease.IsFenced)
            {
                await MergeForeignSegmentsAsync().ConfigureAwait(true);
            }
        }
        catch (Exception e) when (e is MailStoreException or ObjectStoreUnavailableException)
        {
            StoreLog.ForeignSegmentScanFailed(_log, e, _names.User);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _metrics.ActiveUsers.Add(-1);
        _localUsers.Remove(this.GetPrimaryKeyString());
        StoreLog.Deactivating(_log, _names.User, reason);
        try
        {
            _leftForMigration = await LeaveAsync(cancellationToken).ConfigureAwait(true) && reason.ReasonCode == DeactivationReasonCode.Migrating;
        }
        finally
        {
            _summaries.Release();
            await StopFullTextAsync().ConfigureAwait(true);
        }
    }

    /// <summary>Ends the activation; true when it ended cleanly (final checkpoint, lease released).</summary>
    private async Task<bool> LeaveAsync(CancellationToken cancellationToken)
    {
        if (_lease.IsFenced)
        {
            _journal?.Dispose();
            _journal = null;

            // A zombie (frozen past its lease, then resumed) keeps changes no checkpoint of its will ever publish:
            // hand them to the store now for the next activation to merge, not at this silo's next start.
            if (_cache is not null)
            {
                try
                {
                    await _orphans.UploadAsync(_names.User, null, cancellationToken).ConfigureAwait(true);
                }
                catch (ObjectStoreUnavailableException e)
                {
                    StoreLog.FencedJournalHandOverFailed(_log, e, _names.User);
                }
            }

            return false;
        }

        try
        {
            _flushSummaries = true; // leaving: what the next activation would otherwise rebuild from the bodies
            await CheckpointCoreAsync(forceSnapshot: false).ConfigureAwait(true);
            await CheckpointFullTextAsync(leaving: true).ConfigureAwait(true);
            _journal?.Close(delete: true);
            _journal = null;
            _cache?.Save(_names.User, _manifest.State.Seq, _manifest.State.Writer, _index);
            await _lease.Lease.ReleaseAsync(cancellationToken).ConfigureAwait(true);
            return true;
        }
        catch (Exception e) when (e is MailStoreException or ObjectStoreUnavailableException or IOException)
        {
            // Leave the lease active and the journal on disk: the next activation recovers, the returning node uploads.
            StoreLog.DeactivatingWithoutFinalCheckpoint(_log, e, _names.User);
            _journal?.Dispose();
            return false;
        }
    }

    private async Task ActivateIndexAsync(LeaseAcquisition acquisition, CancellationToken cancellationToken)
    {
        if (_cache is not null)
        {
            await _orphans.UploadAsync(_names.User, _activationId, cancellationToken).ConfigureAwait(true);
        }

        // Orleans read the manifest before the lease was ours; a holder that ended meanwhile may have moved it.
        var manifest = await _checkpoints.ReadAsync(cancellationToken).ConfigureAwait(true);
        _index = await LoadCurrentAsync(manifest, cancellationToken).ConfigureAwait(true);
        await _lease.Lease.KeepAsync(cancellationToken).ConfigureAwait(true);
        var merged = await MergeDivergedAsync(cancellationToken).ConfigureAwait(true) > 0;
        await _lease.Lease.KeepAsync(cancellationToken).ConfigureAwait(true);
        if (acquisition.PreviousEndedUncleanly)
        {
            StoreLog.PreviousHolderEndedUncleanly(_log, _names.User, acquisition.Previous?.HolderSilo);
            _metrics.Recoveries.Add(1);
            RaiseCounters();
            await RecoverAsync(cancellationToken).ConfigureAwait(true);
        }

        if (_cache is not null)
        {
            _journal = LocalJournal.Open(_cache.UserDirectory(_names.User), new SegmentHeader(_activationId, manifest.Seq + 1, manifest.Seq), _cache.JournalFiles);
            foreach (var e in _checkpoints.Pending)
            {
                _journal.Append(e);
            }

            if (_checkpoints.Pending.Count > 0 && _options.SyncJournal)
            {
                await _journal.SyncAsync().ConfigureAwait(true);
            }
        }

        // After an unclean end or a merge, checkpoint before serving: this fences a zombie (the manifest ETag
        // moves) and makes the raised counters durable before any UID is handed out.
        if (acquisition.PreviousEndedUncleanly || merged)
        {
            await CheckpointCoreAsync(forceSnapshot: merged).ConfigureAwait(true);
        }
    }

    private async Task<UserIndex> LoadCurrentAsync(UserManifest manifest, CancellationToken cancellationToken)
    {
        if (manifest.Seq == 0)
        {
            _loadedFrom = "empty";
            return new UserIndex();
        }

        if (TakeHandedOver(manifest) is { } carried)
        {
            _loadedFrom = "migration";
            return carried;
        }

        if (_cache?.TryLoad(_names.User, manifest.Seq, manifest.Writer) is { } local)
        {
            _loadedFrom = "local";
            return local;
        }

        var (snapshot, segments) = manifest.StateAt(manifest.Seq);
        _loadedFrom = "store";
        return await new IndexLoader(_store, _names).LoadAsync(snapshot, segments, cancellationToken).ConfigureAwait(true);
    }

    /// <summary>Merges every segment in the store that the manifest neither applied nor merged, chain by chain (one chain per writer).</summary>
    private async Task<int> MergeDivergedAsync(CancellationToken cancellationToken)
    {
        var manifest = _manifest.State;
        var chains = new SortedDictionary<Guid, List<(long Seq, string Name)>>();
        await foreach (var entry in _store.ListAllAsync(_names.IndexPrefix, cancellationToken).ConfigureAwait(true))
        {
            var name = entry.Name[_names.IndexPrefix.Length..];
            if (SegmentNames.TryParseLog(name, out var seq, out var act) && !manifest.Accounts(name, seq))
            {
                if (!chains.TryGetValue(act, out var chain))
                {
                    chains[act] = chain = [];
                }

                chain.Add((seq, name));
            }
        }

        if (chains.Count == 0)
        {
            return 0;
        }

        // Found one: from here on this activation writes (a periodic scan that finds nothing costs one listing).
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        var mergedSegments = 0;
        var loader = new IndexLoader(_store, _names);
        foreach (var (act, chain) in chains.OrderBy(c => c.Value.Min(s => s.Seq)).ThenBy(c => c.Key))
        {
            chain.Sort();
            var names = chain.Select(c => c.Name).ToArray();
            var (first, _) = await loader.ReadSegmentAsync(names[0], cancellationToken).ConfigureAwait(true);
            var baseSeq = first.BaseSeq;
            if (baseSeq < manifest.HistoryFloorSeq || baseSeq > manifest.Seq)
            {
                await SalvageChainAsync(loader, names, baseSeq, cancellationToken).ConfigureAwait(true);
                manifest.Retired.AddRange(names);
                mergedSegments += names.Length;
                continue;
            }

            var (baseSnapshot, baseSegments) = manifest.StateAt(baseSeq);
            var lineageAfter = manifest.Segments.Where(s => s.Seq > baseSeq).Select(s => s.Name).ToArray();
            var outcome = await GrainFactory.GetGrain<IReconciliationGrain>(this.GetPrimaryKeyString()).MergeAsync(new MergeInput(
                baseSnapshot,
                [.. baseSegments],
                IndexWriter.SnapshotBytes(_index),
                manifest.Writer,
                lineageAfter,
                names)).ConfigureAwait(true);
            var referencedBefore = _index.ReferencedBodies();
            _index = IndexReader.ReadSnapshot(outcome.MergedState);
            await DropRecordsWithCollectedBodiesAsync(referencedBefore, cancellationToken).ConfigureAwait(true);
            // Merged into the index the next checkpoint writes: from then on the segments are history like any
            // other, retired and deleted by the checkpoint after it (a manifest no longer lists merged names forever).
            manifest.Retired.AddRange(names);
            mergedSegments += names.Length;
            _metrics.Merges.Add(1);
            StoreLog.DivergedSegmentsMerged(_log, _names.User, names.Length, act, outcome.ReassignedUids);
        }

        return mergedSegments;
    }

    /// <summary>
    /// A chain whose starting checkpoint is no longer kept (its node was away longer than the kept history) cannot be
    /// merged three-way: its surviving messages come back as recovery would file them, its older changes are logged.
    /// </summary>
    private async Task SalvageChainAsync(IndexLoader loader, string[] names, long baseSeq, CancellationToken cancellationToken)
    {
        var chain = new List<JournalEntry>();
        foreach (var name in names)
        {
            chain.AddRange((await loader.ReadSegmentAsync(name, cancellationToken).ConfigureAwait(true)).Entries);
        }

        var referencedBefore = _index.ReferencedBodies();
        var result = JournalSalvage.Salvage(_index, chain, Now, _commands.Identity.NextUidValidity, _commands.Identity.WellKnownId(MailboxName.Inbox));
        foreach (var e in result.Entries)
        {
            _index.Apply(e);
            _checkpoints.Pending.Add(e);
            _journal?.Append(e);
        }

        await DropRecordsWithCollectedBodiesAsync(referencedBefore, cancellationToken).ConfigureAwait(true);
        _metrics.Merges.Add(1);
        _metrics.SalvagedChanges.Add(result.ChangesNotPlaced);
        StoreLog.SegmentsSalvaged(_log, _names.User, string.Join(',', names), baseSeq, result.Salvaged, result.AlreadyPresent, result.ChangesNotPlaced);
    }

    /// <summary>
    /// A journal can return after the grace period its bodies were kept for (a node away for days): what it brings
    /// back whose body was collected meanwhile would be a record with nothing behind it. Such records become
    /// expunges, reported like any other and logged. Only records the merge brought in are checked (one HEAD each):
    /// a body the live index referenced was never collected.
    /// </summary>
    private async Task DropRecordsWithCollectedBodiesAsync(HashSet<Guid> referencedBefore, CancellationToken cancellationToken)
    {
        var collected = new HashSet<Guid>();
        foreach (var body in CollectedBodies.BroughtIn(_index, referencedBefore))
        {
            if (await GuardAsync(() => _store.GetPropertiesAsync(_names.Body(body), cancellationToken)).ConfigureAwait(true) is null)
            {
                collected.Add(body);
            }
        }

        foreach (var e in CollectedBodies.Expunges(_index, collected, Now))
        {
            _index.Apply(e);
            _checkpoints.Pending.Add(e);
            _metrics.CollectedBodiesDropped.Add(e.Uids.Count);
            StoreLog.ReturnedRecordsOfCollectedBodiesExpunged(_log, _names.User, e.Uids.Count, _index.FindMailbox(e.MailboxId)!.Name);
        }
    }

    /// <summary>After an unclean end nothing the dead writer handed out may be handed out again (promise 4).</summary>
    private void RaiseCounters()
    {
        var cap = (uint)_options.AllocationCap;
        foreach (var m in _index.Mailboxes.Values.ToList())
        {
            var e = new CountersRaised(Now, m.Id, m.UidNext + cap, m.HighestModSeq + cap);
            _index.Apply(e);
            _checkpoints.Pending.Add(e);

            // A client may have seen the dead writer's last changes (UIDs, flags, expunges) that this index lacks;
            // its modseq then says nothing reliable. Moving the expunge-history floor to the raised modseq makes
            // every resync from before it a full one (QRESYNC compares UIDs and resends flags, RFC 7162 §3.2.5.2).
            var trimmed = new ExpungeHistoryTrimmed(Now, m.Id, m.HighestModSeq);
            _index.Apply(trimmed);
            _checkpoints.Pending.Add(trimmed);
        }
    }

    /// <summary>Indexes every body in the buckets since the recovery floor that no record references and no tombstone names (idempotent).</summary>
    private async Task<int> RecoverAsync(CancellationToken cancellationToken, bool everything = false)
    {
        var floor = everything ? DateTimeOffset.UnixEpoch : DateTimeOffset.FromUnixTimeMilliseconds(_manifest.State.RecoveryFloor) - _options.RecoverySkew;
        var floorBucket = BodyIds.Bucket(floor < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : floor);
        var now = _time.GetUtcNow();
        var prefixes = new List<string>();
        if (!everything && _manifest.State.RecoveryFloor > 0 && now - floor <= TimeSpan.FromHours(72))
        {
            for (var t = floor; t <= now + TimeSpan.FromHours(1); t += TimeSpan.FromHours(1))
            {
                prefixes.Add(_names.BucketPrefix(BodyIds.Bucket(t)));
            }
        }
        else
        {
            prefixes.Add(_names.MessagesPrefix);
        }

        var recovered = 0;
        foreach (var prefix in prefixes.Distinct())
        {
            await foreach (var entry in _store.ListAllAsync(prefix, cancellationToken).ConfigureAwait(true))
            {
                if (!UserObjectNames.TryParseBody(entry.Name, out var bodyId, out var bucket)
                    || string.CompareOrdinal(bucket, floorBucket) < 0
                    || _index.IsBodyReferenced(bodyId)
                    || _index.Tombstones.ContainsKey(bodyId))
                {
                    continue;
                }

                // A large recovery may outlast the lease; the renewal timer only starts after activation.
                await _lease.Lease.KeepAsync(cancellationToken).ConfigureAwait(true);
                var (mailboxId, flags, keywords, internalDate, size) = BodyMetadata.Parse(entry.Metadata, entry.Size);
                var mailbox = (mailboxId is { } id ? _index.FindMailbox(id) : null) ?? EnsureInboxForRecovery();
                var record = new MessageRecord
                {
                    RecordId = bodyId,
                    BodyId = bodyId,
                    Uid = mailbox.UidNext,
                    Flags = flags,
                    Keywords = Keywords.Normalize(keywords),
                    ModSeq = mailbox.HighestModSeq + 1,
                    InternalDate = internalDate,
                    SaveDate = Now,
                    Size = size,
                };
                // Stamped with the body's creation time: a real flag change from a returning journal wins over "flags at save".
                var e = new MessageAdded(BodyIds.Timestamp(bodyId).ToUnixTimeMilliseconds(), mailbox.Id, record);
                _index.Apply(e);
                _checkpoints.Pending.Add(e);
                _journal?.Append(e);
                recovered++;
            }
        }

        StoreLog.RecoveryIndexedBodies(_log, _names.User, recovered, floorBucket);
        return recovered;
    }

    private MailboxState EnsureInboxForRecovery()
    {
        if (_index.FindMailbox(MailboxName.Inbox) is { } inbox)
        {
            return inbox;
        }

        var inboxId = _commands.Identity.WellKnownId(MailboxName.Inbox);
        var e = new MailboxCreated(Now, inboxId, MailboxName.Inbox, SpecialUse.None, _commands.Identity.FirstUidValidity(MailboxName.Inbox, inboxId, _index.LastUidValidity));
        _index.Apply(e);
        _checkpoints.Pending.Add(e);
        return _index.FindMailbox(MailboxName.Inbox)!;
    }

    private Task<bool> IsSiloDeadAsync(string holder)
    {
        try
        {
            var address = SiloAddress.FromParsableString(holder);
            var status = _membership.CurrentSnapshot.GetSiloStatus(address);
            return Task.FromResult(status == SiloStatus.Dead);
        }
        catch (FormatException)
        {
            return Task.FromResult(false);
        }
    }
}
