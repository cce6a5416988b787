using System.Text;
using OrleansMail.Caching;
using OrleansMail.Index.Format;
using OrleansMail.Index.Model;

namespace OrleansMail.Grains.Cache;

/// <summary>
/// The silo-local copy of a user's index: a snapshot tagged with the checkpoint it matches. A re-activation on the
/// same silo whose manifest still names that checkpoint loads it instead of downloading from the store. Snapshots
/// are a cache: past <c>Store:LocalCacheMaxBytes</c> on disk, those saved or read longest ago are deleted (a
/// deleted one costs that user's next activation a download). Journals are never counted or deleted here: they
/// hold changes not yet checkpointed.
/// </summary>
public sealed class LocalIndexCache
{
    private const string SnapshotFile = "snapshot";

    private readonly string _root;
    private readonly ByteBudgetCache<string, long>? _snapshots;
    private readonly Lock _scan = new();
    private bool _scanned;

    /// <param name="maxSnapshotBytes">Disk the snapshots may take; 0 is no limit.</param>
    public LocalIndexCache(string root, long maxSnapshotBytes = 0, MailStoreMetrics? metrics = null)
    {
        _root = root;
        if (maxSnapshotBytes > 0)
        {
            _snapshots = new ByteBudgetCache<string, long>(maxSnapshotBytes, size => size, StringComparer.Ordinal, Drop);
            metrics?.ObserveLocalCache(() => SnapshotUsage);
        }
    }

    /// <summary>What the snapshots take on disk as this silo knows it, and how many were deleted to stay in budget.</summary>
    public CacheUsage SnapshotUsage => _snapshots?.Usage() ?? default;

    public string UserDirectory(string encodedUser) => Path.Combine(_root, encodedUser);

    /// <summary>How local journal files are opened; a test puts a power-loss layer here.</summary>
    public Func<string, JournalFile> JournalFiles { get; init; } = path => new JournalFile(path);

    public UserIndex? TryLoad(string encodedUser, long seq, Guid writer)
    {
        var path = Path.Combine(UserDirectory(encodedUser), SnapshotFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var file = File.OpenRead(path);
            using var r = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
            if (r.ReadInt64() != seq || new Guid(r.ReadBytes(16)) != writer)
            {
                return null;
            }

            var index = IndexReader.ReadSnapshot(file);
            Touch(encodedUser);
            return index;
        }
        catch (Exception e) when (e is IOException or IndexCorruptException or EndOfStreamException)
        {
            return null;
        }
    }

    public void Save(string encodedUser, long seq, Guid writer, UserIndex index)
    {
        var dir = UserDirectory(encodedUser);
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, SnapshotFile + ".tmp");
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            using (var w = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
            {
                w.Write(seq);
                w.Write(writer.ToByteArray());
            }

            IndexWriter.WriteSnapshot(file, index);
            file.Flush(flushToDisk: true);
        }

        var path = Path.Combine(dir, SnapshotFile);
        File.Move(temp, path, overwrite: true);
        Track(encodedUser, new FileInfo(path).Length);
    }

    /// <summary>Journal files left by activations other than <paramref name="current"/>: never checkpointed changes.</summary>
    public IEnumerable<string> OrphanJournals(string encodedUser, Guid? current)
    {
        var dir = UserDirectory(encodedUser);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        var mine = current is { } c ? LocalJournal.FileName(c) : null;
        return Directory.EnumerateFiles(dir, "journal-*").Where(p => Path.GetFileName(p) != mine).ToList();
    }

    public IEnumerable<string> Users() =>
        Directory.Exists(_root) ? Directory.EnumerateDirectories(_root).Select(Path.GetFileName).OfType<string>() : [];

    private void Track(string encodedUser, long bytes)
    {
        if (_snapshots is null)
        {
            return;
        }

        ScanOnce();
        _snapshots.Set(encodedUser, bytes);
    }

    private void Touch(string encodedUser)
    {
        if (_snapshots is not null)
        {
            ScanOnce();
            _snapshots.TryGet(encodedUser, out _);
        }
    }

    /// <summary>The snapshots an earlier run of this silo left, oldest first, so the budget covers them too.</summary>
    private void ScanOnce()
    {
        lock (_scan)
        {
            if (_scanned)
            {
                return;
            }

            _scanned = true;
        }

        var found = Users()
            .Select(u => (User: u, File: new FileInfo(Path.Combine(UserDirectory(u), SnapshotFile))))
            .Where(s => s.File.Exists)
            .OrderBy(s => s.File.LastWriteTimeUtc)
            .ToList();
        foreach (var (user, file) in found)
        {
            _snapshots!.TryAdd(user, file.Length);
        }
    }

    private void Drop(string encodedUser, long _)
    {
        try
        {
            File.Delete(Path.Combine(UserDirectory(encodedUser), SnapshotFile));
        }
        catch (IOException)
        {
            // Still counted as gone: the next save of this user replaces it, and a stale one is never loaded (its checkpoint tag).
        }
    }
}
