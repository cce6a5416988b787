using System.Buffers;
using System.Security.Cryptography;
using OrleansMail.IO;

namespace OrleansMail.MailStorage.Ingest;

/// <summary>
/// An incoming message spooled once: in memory up to a threshold, in a temp file (deleted on close) beyond it,
/// with its size and SHA-256 computed in the same pass. Each recipient's copy reads it again from the start.
/// </summary>
public sealed class SpooledMessage : IAsyncDisposable
{
    /// <summary>The read size of the copy loop.</summary>
    private const int ChunkSize = 81920;

    /// <summary>The in-memory spool's first array; it doubles from there as the message needs.</summary>
    private const int FirstArraySize = 64 * 1024;

    private readonly Stream _content;

    // The in-memory spool is pooled arrays, not a growing MemoryStream: every message up to the threshold costs no
    // allocation (a growing stream allocated twice its size, past 85 KB on the large object heap).
    private byte[]? _pooled;

    private SpooledMessage(Stream content, string sha256, byte[]? pooled)
    {
        _content = content;
        Sha256 = sha256;
        _pooled = pooled;
    }

    public long Length => _content.Length;

    public string Sha256 { get; }

    public bool InMemory => _content is MemoryStream;

    /// <summary>Copies <paramref name="source"/> to the spool, failing with <see cref="MessageTooLargeException"/> past <paramref name="maxSize"/>.</summary>
    public static async Task<SpooledMessage> CreateAsync(Stream source, long maxSize, int memoryThreshold, string tempDirectory, CancellationToken cancellationToken = default)
    {
        // In memory the message grows in pooled arrays, doubling up to the threshold: a small message holds a small
        // array, whatever the threshold is configured to.
        byte[]? pooled = ArrayPool<byte>.Shared.Rent(Math.Clamp(memoryThreshold, 1, FirstArraySize));
        var length = 0;
        FileStream? file = null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
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

                hash.AppendData(buffer, 0, n);
                if (pooled is not null && total > memoryThreshold)
                {
#pragma warning disable CA2000 // becomes the spool, which this message owns; disposed below on every failure
                    file = new FileStream(Path.Combine(tempDirectory, "spool-" + Guid.NewGuid().ToString("N")), PrivateFile.Create(FileMode.CreateNew, FileAccess.ReadWrite, FileOptions.DeleteOnClose | FileOptions.Asynchronous, bufferSize: 0));
#pragma warning restore CA2000
                    await file.WriteAsync(pooled.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                    ArrayPool<byte>.Shared.Return(pooled);
                    pooled = null;
                }

                if (pooled is null)
                {
                    await file!.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (length + n > pooled.Length)
                {
                    // Within the threshold (checked above), so the doubling never passes it.
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(pooled.Length * 2, length + n), memoryThreshold));
                    pooled.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(pooled);
                    pooled = larger;
                }

                buffer.AsSpan(0, n).CopyTo(pooled.AsSpan(length));
                length += n;
            }

            var digest = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (file is not null)
            {
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                return new SpooledMessage(file, digest, null);
            }

#pragma warning disable CA2000 // the message owns its content and disposes it
            return new SpooledMessage(new MemoryStream(pooled!, 0, length, writable: false, publiclyVisible: true), digest, pooled);
#pragma warning restore CA2000
        }
        catch
        {
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }

            if (pooled is not null)
            {
                ArrayPool<byte>.Shared.Return(pooled);
            }

            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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

    /// <summary>Every view is done by now (the ingest path disposes after the summary and the last upload).</summary>
    public async ValueTask DisposeAsync()
    {
        await _content.DisposeAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _pooled, null) is { } pooled)
        {
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }
}
