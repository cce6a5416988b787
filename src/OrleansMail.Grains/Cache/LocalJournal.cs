using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;

namespace OrleansMail.Grains.Cache;

/// <summary>
/// The journal of one activation on the silo's disk: every mutation is appended (and flushed to the OS) before
/// observers hear of it, so a killed process leaves it behind for the returning-node upload.
/// </summary>
public sealed class LocalJournal : IDisposable
{
    private readonly string _directory;
    private FileStream? _file;
    private string? _path;

    private LocalJournal(string directory) => _directory = directory;

    public static string FileName(Guid activationId) => $"journal-{activationId:N}";

    public static LocalJournal Open(string directory, SegmentHeader header)
    {
        var journal = new LocalJournal(directory);
        journal.Start(header);
        return journal;
    }

    public void Append(JournalEntry entry)
    {
        if (_file is null)
        {
            return;
        }

        _file.Write(JournalSegment.Frame(entry));
        _file.Flush();
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
        _file = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.Read);
        JournalSegment.WriteHeader(_file, header);
        _file.Flush(flushToDisk: true);
    }
}
