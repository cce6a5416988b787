using OrleansMail.IO;

namespace OrleansMail.MailStorage.Ingest;

/// <summary>A recipient's copy: its own trace headers followed by the shared spool, without copying the spool.</summary>
internal sealed class PrefixedStream(byte[] prefix, Stream rest) : ReadOnlyStream
{
    private long _position;

    public override long Length => prefix.Length + rest.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        if (_position < prefix.Length)
        {
            var n = (int)Math.Min(buffer.Length, prefix.Length - _position);
            prefix.AsSpan((int)_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        var read = rest.Read(buffer);
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position < prefix.Length)
        {
            return Read(buffer.Span);
        }

        var read = await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            rest.Dispose();
        }

        base.Dispose(disposing);
    }
}
