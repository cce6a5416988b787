using OrleansMail.IO;

namespace OrleansMail.Grains.Cache;

/// <summary>
/// The file a local journal goes to: appends handed to the OS at once (a killed process keeps them), and a sync
/// that makes them durable (fsync: a power loss keeps them too). Tests put a layer here that forgets what was
/// never synced, as a power loss does.
/// </summary>
public class JournalFile : IDisposable
{
    private readonly FileStream _stream;

    public JournalFile(string path)
    {
        Path = path;
        _stream = new FileStream(path, WithShare(PrivateFile.Create(FileMode.Create, FileAccess.Write)));
    }

    public string Path { get; }

    /// <summary>Appends and hands the bytes to the OS.</summary>
    public virtual void Write(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        _stream.Flush();
    }

    /// <summary>Makes everything written so far durable.</summary>
    public virtual void Sync() => _stream.Flush(flushToDisk: true);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream.Dispose();
        }
    }

    // The uploader of a returning node may read a journal while the grain still writes it.
    private static FileStreamOptions WithShare(FileStreamOptions options)
    {
        options.Share = FileShare.Read;
        options.BufferSize = 0;
        return options;
    }
}
