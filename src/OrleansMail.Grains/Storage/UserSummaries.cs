using System.Buffers;
using OrleansMail.Caching;
using OrleansMail.Index.Model;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;

namespace OrleansMail.Grains.Storage;

/// <summary>
/// One user's message summaries: those waiting for a batch worth an object of its own, and the stored batches read
/// lately. Summaries are a cache (a lost one is rebuilt from its body), so they wait: a checkpoint after one
/// delivery writes its segment and the manifest, not a third object (docs/architecture.md, data layout; docs/benchmarks.md, "The object-store bill").
/// </summary>
internal sealed class UserSummaries(IObjectStore store, UserObjectNames names, long batchBytes, long cacheBytes, MailStoreMetrics metrics)
{
    /// <summary>What a summary costs in a batch beyond its bytes: its id, array header and table slot.</summary>
    private const int EntryOverhead = 64;

    private readonly Dictionary<Guid, byte[]> _pending = [];

    // Bounded in bytes, not batches: 64 batches of 64 KiB each were 4 MiB per active user.
    private readonly ByteBudgetCache<string, Dictionary<Guid, byte[]>> _batches = new(cacheBytes, SizeOf, StringComparer.Ordinal);

    // Batches the index names whose object was gone (collected after a merge brought a reader of it back): their
    // bodies' summaries are rebuilt and may be batched again.
    private readonly HashSet<string> _missing = new(StringComparer.Ordinal);

    private long _pendingBytes;

    // What this user's summaries last added to the silo's gauge and eviction counter, so each change reports its difference.
    private long _reportedBytes;
    private long _reportedEvictions;

    public int PendingCount => _pending.Count;

    public IReadOnlyCollection<Guid> PendingBodies => _pending.Keys;

    /// <summary>Bytes held for this user: summaries waiting for a batch and stored batches read lately.</summary>
    public long HeldBytes => _pendingBytes + (_pending.Count * (long)EntryOverhead) + _batches.Bytes;

    public int CachedBatches => _batches.Count;

    /// <summary>Whether a summary rebuilt from its body should wait for a batch: it has none, or its batch is gone.</summary>
    public bool Wants(UserIndex index, Guid bodyId) =>
        index.IsBodyReferenced(bodyId) && (index.SummaryBatchOf(bodyId) is not { } batch || _missing.Contains(batch));

    public void Add(Guid bodyId, byte[] summary)
    {
        if (_pending.Remove(bodyId, out var replaced))
        {
            _pendingBytes -= replaced.Length;
        }

        _pending[bodyId] = summary;
        _pendingBytes += summary.Length;
        Report();
    }

    /// <summary>Whether the next checkpoint writes a batch: enough bytes wait, or the caller must not leave them (deactivation, a snapshot).</summary>
    public bool WorthABatch(bool anyway) => _pending.Count > 0 && (anyway || _pendingBytes >= batchBytes);

    /// <summary>Writes what waits as the batch object <paramref name="batchName"/>; on success it is a cached batch.</summary>
    public async Task WriteBatchAsync(string batchName)
    {
        await store.CreateAsync(names.Index(batchName), SummaryBatchCodec.Encode(_pending)).ConfigureAwait(true);
    }

    /// <summary>The batch the index now names holds what waited.</summary>
    public void BatchStored(string batchName)
    {
        Remember(batchName, new Dictionary<Guid, byte[]>(_pending));
        _pending.Clear();
        _pendingBytes = 0;
        Report();
    }

    /// <summary>The user leaves memory: what it held no longer counts against the silo.</summary>
    public void Release()
    {
        metrics.SummaryBytes.Add(-_reportedBytes);
        _reportedBytes = 0;
    }

    /// <summary>Each body's summary, from what waits or from the batch the index names; null where there is none.</summary>
    public async Task<byte[]?[]> GetAsync(UserIndex index, Guid[] bodyIds)
    {
        var result = new byte[]?[bodyIds.Length];
        for (var i = 0; i < bodyIds.Length; i++)
        {
            if (_pending.TryGetValue(bodyIds[i], out var waiting))
            {
                result[i] = waiting;
                continue;
            }

            if (index.SummaryBatchOf(bodyIds[i]) is { } batch)
            {
                result[i] = (await LoadBatchAsync(batch).ConfigureAwait(true)).GetValueOrDefault(bodyIds[i]);
            }
        }

        return result;
    }

    private async Task<Dictionary<Guid, byte[]>> LoadBatchAsync(string name)
    {
        if (_batches.TryGet(name, out var cached))
        {
            return cached;
        }

        var batch = await StoreUnavailable.GuardAsync(() => ReadBatchAsync(name), "object store unavailable").ConfigureAwait(true);
        if (batch is null)
        {
            _missing.Add(name);
        }

        batch ??= [];
        Remember(name, batch);
        return batch;
    }

    /// <summary>
    /// A batch is read only to be decoded and dropped, so it is read into a pooled buffer: a batch is often past the
    /// large-object threshold, and a fresh array per cache miss set off a gen2 collection every tenth of a second
    /// under a FETCH-heavy load (the mixed profile's slow passes in docs/benchmarks.md).
    /// </summary>
    private async Task<Dictionary<Guid, byte[]>?> ReadBatchAsync(string name)
    {
        var stored = await store.ReadAsync(names.Index(name)).ConfigureAwait(true);
        if (stored is null)
        {
            return null;
        }

        await using (stored.ConfigureAwait(true))
        {
            var length = checked((int)stored.ContentLength);
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                await stored.Content.ReadExactlyAsync(buffer.AsMemory(0, length)).ConfigureAwait(true);
                return SummaryBatchCodec.Decode(buffer, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private void Remember(string name, Dictionary<Guid, byte[]> batch)
    {
        _batches.Set(name, batch);
        Report();
    }

    private void Report()
    {
        var held = HeldBytes;
        metrics.SummaryBytes.Add(held - _reportedBytes);
        _reportedBytes = held;
        var evictions = _batches.Evictions;
        if (evictions > _reportedEvictions)
        {
            metrics.SummaryBatchEvictions.Add(evictions - _reportedEvictions);
            _reportedEvictions = evictions;
        }
    }

    private static long SizeOf(Dictionary<Guid, byte[]> batch) => batch.Values.Sum(v => (long)v.Length + EntryOverhead);
}
