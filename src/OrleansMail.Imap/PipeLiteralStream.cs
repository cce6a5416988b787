using System.Buffers;
using System.IO.Pipelines;
using OrleansMail.IO;

namespace OrleansMail.Imap;

/// <summary>Exactly <paramref name="length"/> bytes of a pipe as a read-only stream: APPEND's literal, streamed into ingest.</summary>
internal sealed class PipeLiteralStream(PipeReader reader, long length) : ReadOnlyStream
{
    private readonly long _length = length;
    private long _remaining = length;

    public long Remaining => _remaining;

    public override long Length => _length;

    public override long Position
    {
        get => _length - _remaining;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining == 0 || buffer.Length == 0)
        {
            return 0;
        }

        var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var available = result.Buffer;
        if (available.Length == 0 && result.IsCompleted)
        {
            throw new IOException("The connection closed inside a literal");
        }

        var take = (int)Math.Min(Math.Min(buffer.Length, _remaining), available.Length);
        available.Slice(0, take).CopyTo(buffer.Span);
        reader.AdvanceTo(available.GetPosition(take));
        _remaining -= take;
        return take;
    }

    /// <summary>A pipe has no synchronous read: blocking a thread on the socket is exactly what the server must never do.</summary>
    public override int Read(Span<byte> buffer) => throw new NotSupportedException("An APPEND literal is read asynchronously");

    /// <summary>Reads and drops what is left, so the command stream stays in step after a refused message.</summary>
    public async Task DrainAsync()
    {
        var scratch = new byte[81920];
        while (await ReadAsync(scratch).ConfigureAwait(false) > 0)
        {
        }
    }
}
