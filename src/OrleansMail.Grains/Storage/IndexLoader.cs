using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;

namespace OrleansMail.Grains.Storage;

/// <summary>Reads index objects of one user from the store: snapshots, segments, and states rebuilt from them.</summary>
public sealed class IndexLoader(IObjectStore store, UserObjectNames names)
{
    public async Task<UserIndex> LoadAsync(string? snapshot, IEnumerable<string> segments, CancellationToken cancellationToken = default)
    {
        var index = snapshot is null ? new UserIndex() : IndexReader.ReadSnapshot(await ReadRequiredAsync(snapshot, cancellationToken).ConfigureAwait(false));
        foreach (var segment in segments)
        {
            index.ApplyAll((await ReadSegmentAsync(segment, cancellationToken).ConfigureAwait(false)).Entries);
        }

        return index;
    }

    public async Task<(SegmentHeader Header, List<JournalEntry> Entries)> ReadSegmentAsync(string name, CancellationToken cancellationToken = default) =>
        JournalSegment.Read(await ReadRequiredAsync(name, cancellationToken).ConfigureAwait(false));

    public async Task<List<JournalEntry>> ReadEntriesAsync(IEnumerable<string> segments, CancellationToken cancellationToken = default)
    {
        var all = new List<JournalEntry>();
        foreach (var s in segments)
        {
            all.AddRange((await ReadSegmentAsync(s, cancellationToken).ConfigureAwait(false)).Entries);
        }

        return all;
    }

    private async Task<byte[]> ReadRequiredAsync(string name, CancellationToken cancellationToken) =>
        await store.ReadBytesAsync(names.Index(name), cancellationToken).ConfigureAwait(false)
            ?? throw new IndexCorruptException($"index object {name} named by the manifest is missing");
}
