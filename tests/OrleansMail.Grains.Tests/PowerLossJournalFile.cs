using System.Collections.Concurrent;
using OrleansMail.Grains.Cache;

namespace OrleansMail.Grains.Tests;

/// <summary>
/// A journal file that remembers how much of it was ever synced, and can forget the rest as a power loss does (a
/// SIGKILL keeps the page cache, so it cannot show what this shows).
/// </summary>
public sealed class PowerLossJournalFile(string path) : JournalFile(path)
{
    private static readonly ConcurrentDictionary<string, PowerLossJournalFile> Open = new(StringComparer.Ordinal);

    private long _written;
    private long _synced;

    public long Written => Interlocked.Read(ref _written);

    public long Synced => Interlocked.Read(ref _synced);

    public static PowerLossJournalFile Create(string path) => Open[path] = new PowerLossJournalFile(path);

    /// <summary>Every journal file opened so far, by path.</summary>
    public static IReadOnlyDictionary<string, PowerLossJournalFile> All => Open;

    public override void Write(ReadOnlySpan<byte> bytes)
    {
        base.Write(bytes);
        Interlocked.Add(ref _written, bytes.Length);
    }

    public override void Sync()
    {
        var written = Written;
        base.Sync();
        Interlocked.Exchange(ref _synced, written);
    }

    /// <summary>Cuts the file back to what was synced: what the disk holds after the power comes back.</summary>
    public void LosePower()
    {
        Dispose();
        if (File.Exists(Path))
        {
            using var file = new FileStream(Path, FileMode.Open, FileAccess.Write);
            file.SetLength(Synced);
        }
    }
}
