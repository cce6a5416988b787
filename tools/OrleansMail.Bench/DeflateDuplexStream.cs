using System.IO.Compression;

namespace OrleansMail.Bench;

/// <summary>
/// A connection after COMPRESS=DEFLATE (RFC 4978) as a client sees it: reads inflated, writes deflated with a sync
/// flush per write, and the bytes that really crossed the socket counted.
/// </summary>
internal sealed class DeflateDuplexStream : Stream
{
    private readonly CountingStream _wire;
    private readonly DeflateStream _inflate;
    private readonly DeflateStream _deflate;

    public DeflateDuplexStream(Stream connection)
    {
        _wire = new CountingStream(connection);
        _inflate = new DeflateStream(_wire, CompressionMode.Decompress, leaveOpen: true);
        _deflate = new DeflateStream(_wire, CompressionLevel.Fastest, leaveOpen: true);
    }

    /// <summary>Compressed bytes read from the socket.</summary>
    public long WireBytesRead => _wire.BytesRead;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _inflate.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inflate.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count)
    {
        _deflate.Write(buffer, offset, count);
        _deflate.Flush();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _deflate.WriteAsync(buffer, cancellationToken);
        await _deflate.FlushAsync(cancellationToken);
    }

    public override void Flush() => _deflate.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflate.Dispose();
            _deflate.Dispose();
            _wire.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Passes everything through, counting what is read.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            BytesRead += n;
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
