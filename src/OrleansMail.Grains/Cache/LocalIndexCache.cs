using System.Text;
using OrleansMail.Index.Format;
using OrleansMail.Index.Model;

namespace OrleansMail.Grains.Cache;

/// <summary>
/// The silo-local copy of a user's index: a snapshot tagged with the checkpoint it matches. A re-activation on the
/// same silo whose manifest still names that checkpoint loads it instead of downloading from the store.
/// </summary>
public sealed class LocalIndexCache(string root)
{
    private const string SnapshotFile = "snapshot";

    public string UserDirectory(string encodedUser) => Path.Combine(root, encodedUser);

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

            return IndexReader.ReadSnapshot(file);
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

        File.Move(temp, Path.Combine(dir, SnapshotFile), overwrite: true);
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
        Directory.Exists(root) ? Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>() : [];
}
