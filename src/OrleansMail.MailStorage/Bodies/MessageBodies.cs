using OrleansMail.Caching;
using OrleansMail.Errors;
using OrleansMail.Identity;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;

namespace OrleansMail.MailStorage.Bodies;

/// <summary>
/// Reads stored message bodies for the front ends: small bodies whole through a silo-wide cache, large ones by
/// range; concurrent reads of one body share one request. Store failures become <see cref="MailStoreErrorKind.Unavailable"/>.
/// </summary>
public sealed class MessageBodies(IObjectStore store, BodyCacheOptions options)
{
    /// <summary>Bytes of shared-copy layouts (trace-header prefix, content name) kept to save a read per body read.</summary>
    private const long SharedLayoutBudget = 16L * 1024 * 1024;

    /// <summary>What a cached value costs beyond its bytes: its key, node and array headers.</summary>
    private const int EntryOverhead = 160;

    private readonly ByteBudgetCache<string, byte[]> _cache = new(options.MaxBytes, b => b.Length + EntryOverhead, StringComparer.Ordinal);

    // A prefix carries the envelope's sender and the client's LHLO name: its size is the sender's to choose (up to
    // the LMTP line limit), so the cache is bounded in bytes, not in entries.
    private readonly ByteBudgetCache<string, (byte[] Prefix, string Content)> _shared = new(SharedLayoutBudget, l => l.Prefix.Length + (2L * l.Content.Length) + EntryOverhead, StringComparer.Ordinal);
    private readonly Dictionary<string, Task<byte[]>> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public BodyCacheOptions Options => options;

    /// <summary>The body cache now, for the metrics.</summary>
    public CacheUsage CacheUsage => _cache.Usage();

    /// <summary>True when <see cref="ReadAsync"/> keeps the whole body in memory; otherwise use <see cref="OpenRangeAsync"/>.</summary>
    public bool IsSmall(long size) => size <= options.MaxCachedBody;

    /// <summary>The whole body (for bodies up to <see cref="BodyCacheOptions.MaxCachedBody"/>).</summary>
    public Task<byte[]> ReadAsync(string userId, Guid bodyId, CancellationToken cancellationToken = default) =>
        Shared($"{userId}\n{bodyId:N}", () => ReadRangeAsync(userId, bodyId, null, cancellationToken));

    /// <summary>The first <paramref name="length"/> bytes (a header), from the whole cached body when there is one.</summary>
    public async Task<byte[]> ReadHeadAsync(string userId, Guid bodyId, long length, CancellationToken cancellationToken = default)
    {
        if (_cache.TryGet($"{userId}\n{bodyId:N}", out var whole))
        {
            return whole.AsSpan(0, (int)Math.Min(length, whole.Length)).ToArray();
        }

        return await Shared($"{userId}\n{bodyId:N}\nh{length}", () => ReadRangeAsync(userId, bodyId, new ByteRange(0, length), cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>A range of a body of any size, streamed.</summary>
    public async Task<Stream> OpenRangeAsync(string userId, Guid bodyId, long offset, long length, CancellationToken cancellationToken = default)
    {
        if (BodyIds.IsShared(bodyId))
        {
            // This recipient's trace headers, then the content stored once: the range spans them as one message.
            var (prefix, content) = await SharedLayoutAsync(userId, bodyId, cancellationToken).ConfigureAwait(false);
            var head = offset < prefix.Length ? prefix.AsSpan((int)offset, (int)Math.Min(length, prefix.Length - offset)).ToArray() : [];
            var rest = length - head.Length;
            var tail = rest > 0 ? await OpenAsync(content, new ByteRange(Math.Max(0, offset - prefix.Length), rest), cancellationToken).ConfigureAwait(false) : Stream.Null;
            return new PrefixedStream(head, tail);
        }

        return await StoreUnavailable.GuardAsync(async () =>
        {
            var stored = await store.ReadAsync(UserObjectNames.For(userId).Body(bodyId), new ByteRange(offset, length), cancellationToken).ConfigureAwait(false)
                ?? throw MailStoreException.NotFound("the message body is missing from the store");
            return stored.Content;
        }).ConfigureAwait(false);
    }

    private async Task<byte[]> Shared(string key, Func<Task<byte[]>> read)
    {
        if (_cache.TryGet(key, out var cached))
        {
            return cached;
        }

        Task<byte[]> task;
        lock (_lock)
        {
            if (!_inFlight.TryGetValue(key, out task!))
            {
                task = read();
                _inFlight[key] = task;
            }
        }

        try
        {
            var bytes = await task.ConfigureAwait(false);
            _cache.TryAdd(key, bytes);
            return bytes;
        }
        finally
        {
            lock (_lock)
            {
                _inFlight.Remove(key);
            }
        }
    }

    private async Task<byte[]> ReadRangeAsync(string userId, Guid bodyId, ByteRange? range, CancellationToken cancellationToken)
    {
        if (BodyIds.IsShared(bodyId))
        {
            // Whole, or a head (offset 0): the trace headers, then as much of the shared content as asked for.
            var (prefix, content) = await SharedLayoutAsync(userId, bodyId, cancellationToken).ConfigureAwait(false);
            var wanted = range?.Length;
            if (wanted is { } w && w <= prefix.Length)
            {
                return prefix.AsSpan(0, (int)w).ToArray();
            }

            await using var tail = await OpenAsync(content, new ByteRange(0, wanted - prefix.Length), cancellationToken).ConfigureAwait(false);
            using var memory = new MemoryStream();
            memory.Write(prefix);
            await tail.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
            return memory.ToArray();
        }

        return await StoreUnavailable.GuardAsync(async () =>
        {
            await using var stored = await store.ReadAsync(UserObjectNames.For(userId).Body(bodyId), range, cancellationToken).ConfigureAwait(false)
                ?? throw MailStoreException.NotFound("the message body is missing from the store");
            return await stored.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task<(byte[] Prefix, string Content)> SharedLayoutAsync(string userId, Guid bodyId, CancellationToken cancellationToken)
    {
        var key = $"{userId}\n{bodyId:N}";
        if (_shared.TryGet(key, out var known))
        {
            return known;
        }

        return await StoreUnavailable.GuardAsync(async () =>
        {
            await using var stored = await store.ReadAsync(UserObjectNames.For(userId).Body(bodyId), null, cancellationToken).ConfigureAwait(false)
                ?? throw MailStoreException.NotFound("the message body is missing from the store");
            var prefix = await stored.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false);
            var content = stored.Properties.Metadata.GetValueOrDefault(SharedContent.ContentKey)
                ?? throw MailStoreException.NotFound("a shared copy names no content");
            _shared.Set(key, (prefix, content));
            return (prefix, content);
        }).ConfigureAwait(false);
    }

    private async Task<Stream> OpenAsync(string name, ByteRange range, CancellationToken cancellationToken)
    {
        return await StoreUnavailable.GuardAsync(async () =>
        {
            var stored = await store.ReadAsync(name, range, cancellationToken).ConfigureAwait(false)
                ?? throw MailStoreException.NotFound("the shared message content is missing from the store");
            return stored.Content;
        }).ConfigureAwait(false);
    }
}
