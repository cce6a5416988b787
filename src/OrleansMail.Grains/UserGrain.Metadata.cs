using OrleansMail.Grains.Contracts;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;

namespace OrleansMail.Grains;

/// <summary>METADATA (RFC 5464): entries kept in the index, so they are journaled, checkpointed and merged like the rest.</summary>
public sealed partial class UserGrain
{
    public async Task<MetadataEntry[]> GetMetadataAsync(string mailbox)
    {
        var id = mailbox.Length == 0 ? Guid.Empty : (await ResolveAsync(mailbox).ConfigureAwait(true)).Id;
        return [.. _index.MetadataOf(id).Select(kv => new MetadataEntry(kv.Key.Entry, kv.Value.Value))];
    }

    public async Task<MetadataRefusal> SetMetadataAsync(string mailbox, MetadataEntry[] changes)
    {
        if (changes.FirstOrDefault(c => c.Value is { } v && v.Length > _options.MaxMetadataValueBytes) is not null)
        {
            return new MetadataRefusal(MetadataRefusalKind.ValueTooLarge, _options.MaxMetadataValueBytes);
        }

        var id = mailbox.Length == 0 ? Guid.Empty : (await ResolveAsync(mailbox).ConfigureAwait(true)).Id;

        // The single writer makes check and commit one step: two sessions cannot each pass the limit by half.
        long count = _index.Metadata.Count, bytes = _index.MetadataBytes;
        foreach (var change in changes.DistinctBy(c => c.Name))
        {
            if (_index.Metadata.TryGetValue(new MetadataKey(id, change.Name), out var old))
            {
                count--;
                bytes -= UserIndex.MetadataSize(change.Name, old.Value);
            }

            if (change.Value is { } value)
            {
                count++;
                bytes += UserIndex.MetadataSize(change.Name, value);
            }
        }

        var growing = count > _index.Metadata.Count || bytes > _index.MetadataBytes;
        if (growing && count > _options.MaxMetadataEntries)
        {
            return new MetadataRefusal(MetadataRefusalKind.TooMany, _options.MaxMetadataEntries);
        }

        if (growing && bytes > _options.MaxMetadataBytes)
        {
            return new MetadataRefusal(MetadataRefusalKind.TooMany, _options.MaxMetadataBytes);
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var entries = changes
            .Where(c => c.Value is not null || _index.Metadata.ContainsKey(new MetadataKey(id, c.Name)))
            .Select(c => (JournalEntry)new MetadataChanged(now, id, c.Name, c.Value))
            .ToList();
        if (entries.Count > 0)
        {
            await _lease.EnsureWritableAsync().ConfigureAwait(true);
            await CommitAsync(entries).ConfigureAwait(true);
        }

        return MetadataRefusal.None;
    }
}
