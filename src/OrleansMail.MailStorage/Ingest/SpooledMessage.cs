using OrleansMail.IO;
using System.Security.Cryptography;

namespace OrleansMail.MailStorage.Ingest;

/// <summary>
/// An incoming message spooled once: in memory up to a threshold, in a temp file (deleted on close) beyond it,
/// with its size and SHA-256 computed in the same pass. Each recipient's copy reads it again from the start.
/// </summary>
public sealed class SpooledMessage : IAsyncDisposable
{
    private readonly Stream _content;

    private SpooledMessage(Stream content, string sha256)
    {
        _content = content;
        Sha256 = sha256;
    }

    public long Length => _content.Length;

    public string Sha256 { get; }

    public bool InMemory => _content is MemoryStream;

    /// <summary>Copies <paramref name="source"/> to the spool, failing with <see cref="MessageTooLargeException"/> past <paramref name="maxSize"/>.</summary>
    public static async Task<SpooledMessage> CreateAsync(Stream source, long maxSize, int memoryThreshold, string tempDirectory, CancellationToken cancellationToken = default)
    {
        Stream spool = new MemoryStream();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        try
        {
            int n;
            while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += n;
                if (total > maxSize)
                {
                    throw new MessageTooLargeException(maxSize);
                }

                if (spool is MemoryStream memory && total > memoryThreshold)
                {
#pragma warning disable CA2000 // becomes the spool, which this message owns and disposes
                    var file = new FileStream(Path.Combine(tempDirectory, "spool-" + Guid.NewGuid().ToString("N")), PrivateFile.Create(FileMode.CreateNew, FileAccess.ReadWrite, FileOptions.DeleteOnClose | FileOptions.Asynchronous));
                    memory.Position = 0;
                    await memory.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                    spool = file;
#pragma warning restore CA2000
                }

                hash.AppendData(buffer, 0, n);
                await spool.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }

            await spool.FlushAsync(cancellationToken).ConfigureAwait(false);
            return new SpooledMessage(spool, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            await spool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// An independent read of the spooled bytes from the start (several may run at once: the summary parse and
    /// the uploads); the view does not own the spool.
    /// </summary>
#pragma warning disable CA2000 // a view handed to the caller, who disposes it; the handle stays the spool's
    public Stream OpenRead() => _content switch
    {
        MemoryStream memory => new MemoryStream(memory.GetBuffer(), 0, (int)memory.Length, writable: false),

        // A FileStream over the same handle keeps its own position (positional reads), so views do not interfere.
        FileStream file => new NonClosingStream(new FileStream(file.SafeFileHandle, FileAccess.Read, 1, isAsync: file.IsAsync) { Position = 0 }),
        _ => throw new InvalidOperationException("unknown spool"),
    };
#pragma warning restore CA2000

    public ValueTask DisposeAsync() => _content.DisposeAsync();
}
