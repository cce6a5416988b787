using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;

namespace OrleansMail.Grains.Cache;

/// <summary>
/// The journal of one activation on the silo's disk: every mutation is appended (handed to the OS) before anyone
/// hears of it, and synced to the disk before it is acknowledged, so a killed process and a host that loses power
/// alike leave every acknowledged change behind for the returning-node upload. One sync covers everything appended
/// so far: a saved message, which recovery rebuilds from its body and which the grain does not sync for alone, is
/// made durable by the next change that is synced.
/// </summary>
public sealed class LocalJournal : IDisposable
{
    private readonly string _directory;
    private readonly Func<string, JournalFile> _open;
    private JournalFile? _file;
    private string? _path;

    private LocalJournal(string directory, Func<string, JournalFile> open)
    {
        _directory = directory;
        _open = open;
    }

    public static string FileName(Guid activationId) => $"journal-{activationId:N}";

    /// <param name="open">How the file is opened; tests pass a layer that simulates a power loss.</param>
    public static LocalJournal Open(string directory, SegmentHeader header, Func<string, JournalFile>? open = null)
    {
        var journal = new LocalJournal(directory, open ?? (path => new JournalFile(path)));
        journal.Start(header);
        return journal;
    }

    public void Append(JournalEntry entry) => _file?.Write(JournalSegment.Frame(entry));

    /// <summary>Makes every entry appended so far durable (fsync), off the caller's thread: call it before acknowledging.</summary>
    public Task SyncAsync()
    {
        var file = _file;
        return file is null ? Task.CompletedTask : Task.Run(file.Sync);
    }

    /// <summary>After a checkpoint the entries are in the store: start afresh for the next sequence.</summary>
    public void Rotate(SegmentHeader next)
    {
        Close(delete: true);
        Start(next);
    }

    public void Close(bool delete)
    {
        _file?.Dispose();
        _file = null;
        if (delete && _path is not null)
        {
            File.Delete(_path);
        }
    }

    public void Dispose() => Close(delete: false);

    private void Start(SegmentHeader header)
    {
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, FileName(header.ActivationId));
        _file = _open(_path);
        using (var bytes = new MemoryStream())
        {
            JournalSegment.WriteHeader(bytes, header);
            _file.Write(bytes.ToArray());
        }

        _file.Sync();

        // The new name must survive a power loss too, or the synced entries would have no file to be found in.
        ObjectStore.FileSystem.Durability.SyncDirectory(_directory);
    }
}
