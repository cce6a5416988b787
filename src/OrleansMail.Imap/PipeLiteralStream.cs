using System.Buffers;
using System.IO.Pipelines;

namespace OrleansMail.Imap;

/// <summary>Exactly <paramref name="length"/> bytes of a pipe as a read-only stream: APPEND's literal, streamed into ingest.</summary>
internal sealed class PipeLiteralStream(PipeReader reader, long length) : Stream
{
    private readonly long _length = length;
    private long _remaining = length;

    public long Remaining => _remaining;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

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

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Reads and drops what is left, so the command stream stays in step after a refused message.</summary>
    public async Task DrainAsync()
    {
        var scratch = new byte[81920];
        while (await ReadAsync(scratch).ConfigureAwait(false) > 0)
        {
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
