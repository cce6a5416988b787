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

/// <summary>When checkpoints are written (by the timer, past the change threshold, on leaving) and body GC.</summary>
public sealed partial class UserGrain
{
    private async Task PeriodicCheckpointAsync(CancellationToken cancellationToken)
    {
        await CoolBodiesWhenDueAsync().ConfigureAwait(true);
        await TryCheckpointAsync().ConfigureAwait(true);
        await CheckpointFullTextAsync(leaving: false).ConfigureAwait(true);
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
            StoreLog.CheckpointFailed(_log, e, _names.User, _checkpoints.Pending.Count);
        }
    }

    /// <summary>One checkpoint now (CheckpointWriter); the allocation cap starts over once it landed.</summary>
    private async Task CheckpointCoreAsync(bool forceSnapshot)
    {
        if (await _checkpoints.WriteAsync(_index, _summaries, _journal, forceSnapshot, _flushSummaries).ConfigureAwait(true))
        {
            _allocatedSinceCheckpoint = 0;
        }
    }

    public async Task<int> CollectGarbageAsync()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var due = _index.Tombstones.Where(t => t.Value + (long)_options.GarbageGracePeriod.TotalMilliseconds <= now).Select(t => t.Key).ToList();
        if (due.Count == 0)
        {
            return 0; // before the lease check: tombstones waiting out their grace period cost no lease write
        }

        await _lease.EnsureWritableAsync().ConfigureAwait(true);

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
