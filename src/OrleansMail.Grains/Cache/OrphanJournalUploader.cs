using Microsoft.Extensions.Logging;
using OrleansMail.Grains.Storage;
using OrleansMail.Index.Format;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;

namespace OrleansMail.Grains.Cache;

/// <summary>
/// The returning node (docs/architecture.md): uploads local journals that were never checkpointed as log segments, so the
/// user's next activation merges them. A segment already in the store (uploaded before the manifest write was
/// lost) is continued with only the entries it lacks.
/// </summary>
public sealed class OrphanJournalUploader(IObjectStore store, LocalIndexCache cache, ILogger<OrphanJournalUploader> log)
{
    public async Task<int> UploadAsync(string encodedUser, Guid? currentActivation, CancellationToken cancellationToken = default)
    {
        var uploaded = 0;
        var names = new UserObjectNames(encodedUser);
        foreach (var path in cache.OrphanJournals(encodedUser, currentActivation))
        {
            SegmentHeader header;
            List<Index.Journal.JournalEntry> entries;
            try
            {
                using var file = File.OpenRead(path);
                (header, entries) = JournalSegment.Read(file, out _);
            }
            catch (Exception e) when (e is IOException or Index.Model.IndexCorruptException)
            {
                StoreLog.LocalJournalUnreadable(log, e, path);
                continue;
            }

            // Checkpoint attempts whose manifest write failed may have staged several segments of this very journal
            // (log-N, log-N+1, ...), each holding the next run of its entries: skip every one of them, then upload
            // what is left as the next segment of that chain, so a replay finds each base it needs.
            var done = true;
            while (entries.Count > 0)
            {
                var name = names.Index(header.ObjectName);
                var existing = await store.ReadBytesAsync(name, cancellationToken).ConfigureAwait(false);
                if (existing is null)
                {
                    if (await store.CreateAsync(name, JournalSegment.ToBytes(header, entries), null, cancellationToken).ConfigureAwait(false))
                    {
                        uploaded++;
                        StoreLog.OrphanJournalUploaded(log, entries.Count, encodedUser, header.ObjectName);
                        break;
                    }

                    // Created meanwhile (a late staged upload): go on after what it holds.
                    existing = await store.ReadBytesAsync(name, cancellationToken).ConfigureAwait(false);
                    if (existing is null)
                    {
                        StoreLog.OrphanJournalUploadFailed(log, path, encodedUser);
                        done = false;
                        break;
                    }
                }

                entries = entries.Skip(JournalSegment.Read(existing).Entries.Count).ToList();
                header = new SegmentHeader(header.ActivationId, header.Seq + 1, header.Seq);
            }

            if (done)
            {
                File.Delete(path);
            }
        }

        return uploaded;
    }

    /// <summary>At silo start: every user's leftovers. Returns the encoded users that had some uploaded.</summary>
    public async Task<List<string>> UploadAllAsync(CancellationToken cancellationToken)
    {
        var uploaded = new List<string>();
        foreach (var user in cache.Users())
        {
            try
            {
                if (await UploadAsync(user, null, cancellationToken).ConfigureAwait(false) > 0)
                {
                    uploaded.Add(user);
                }
            }
            catch (ObjectStoreUnavailableException e)
            {
                StoreLog.OrphanJournalsUploadFailed(log, e, user);
            }
        }

        return uploaded;
    }
}
