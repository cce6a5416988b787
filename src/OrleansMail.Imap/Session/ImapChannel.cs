using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Net.Security;
using System.Text;
using Microsoft.AspNetCore.Connections;
using OrleansMail.Imap.Protocol;

namespace OrleansMail.Imap;

/// <summary>
/// The bytes of one IMAP connection: the pipe commands are read from, the writer responses go to, and the switch
/// of both to TLS after STARTTLS. A client that stops reading stalls only itself and is cut off after the write timeout.
/// </summary>
internal sealed class ImapChannel(ConnectionContext connection, TimeSpan writeTimeout, TimeProvider time, bool tls)
{
    public PipeReader Input { get; private set; } = connection.Transport.Input;

    public ImapResponseWriter Out { get; } = new(connection.Transport.Output);

    public bool Tls { get; private set; } = tls;

    /// <summary>COMPRESS=DEFLATE is on (RFC 4978): it stays on for the rest of the connection.</summary>
    public bool Compressed { get; private set; }

    public async Task WriteLineAsync(string line)
    {
        Out.Raw(line).CrLf();
        await FlushAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Hands what is buffered to the socket and waits while the client is not reading (Kestrel pauses the writer
    /// past its buffer limit): memory stays bounded per session. One that stops reading for good is cut off.
    /// </summary>
    public async Task FlushAsync()
    {
        var flush = Out.FlushAsync();
        if (flush.IsCompletedSuccessfully)
        {
            // The usual case: the client reads, nothing waits, and no timer is needed.
            return;
        }

        try
        {
            await flush.AsTask().WaitAsync(writeTimeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            connection.Abort(new ConnectionAbortedException("the client stopped reading"));
            throw new IOException("the client stopped reading responses");
        }
    }

    /// <summary>Reads one line the client sends outside a command (AUTHENTICATE responses, IDLE's DONE).</summary>
    public async Task<string?> ReadLineAsync(int maxLength, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var read = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            var end = buffer.PositionOf((byte)'\n');
            if (end is { } position && buffer.Slice(0, position).Length <= maxLength)
            {
                var line = Encoding.UTF8.GetString(buffer.Slice(0, position).ToArray()).TrimEnd('\r');
                Input.AdvanceTo(buffer.GetPosition(1, position));
                return line;
            }

            if (end is not null || buffer.Length > maxLength)
            {
                // A line too long is dropped up to its end; what was pipelined after it stays.
                Input.AdvanceTo(end is { } over ? buffer.GetPosition(1, over) : buffer.End);
                throw new ImapSyntaxException("Line too long");
            }

            Input.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Discards whatever the client pipelined behind STARTTLS in plaintext (CVE-2011-0411). Called before the OK goes
    /// out: once the client has read it, the next bytes are its TLS handshake, which a later discard could cut.
    /// </summary>
    public void DropPipelinedPlaintext()
    {
        if (Input.TryRead(out var pending))
        {
            Input.AdvanceTo(pending.Buffer.End);
        }
    }

    /// <summary>Runs the TLS handshake over the same connection; from then on both directions go through the TLS stream.</summary>
    public async Task UpgradeToTlsAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken)
    {
#pragma warning disable CA2000 // the TLS stream becomes the connection's transport and lives as long as it
        var ssl = new SslStream(new DuplexPipeStream(Input, Out.Output), leaveInnerStreamOpen: false);
#pragma warning restore CA2000
        await ssl.AuthenticateAsServerAsync(options, cancellationToken).ConfigureAwait(false);
        Input = PipeReader.Create(ssl);
        Out.Output = PipeWriter.Create(ssl);
        Tls = true;
    }

    /// <summary>
    /// zlib level 2: level 1 of the zlib-ng that .NET ships uses fixed Huffman codes and barely shrinks base64 (0.96
    /// of the size on the benchmark's mix); level 2 builds its codes per block (0.73 of the size) for about twice
    /// the CPU, which a slow mobile link repays (docs/benchmarks.md).
    /// </summary>
    private static readonly ZLibCompressionOptions DeflateOptions = new() { CompressionLevel = 2 };

    /// <summary>
    /// From now on both directions are raw DEFLATE (RFC 1951), over TLS when TLS is on (RFC 4978 §3). Bytes the
    /// client sent after its COMPRESS command are already compressed and are inflated like the rest; each flush of
    /// a response is a sync flush, so the client can read it at once.
    /// </summary>
    public void StartDeflate()
    {
#pragma warning disable CA2000 // the streams become the connection's transport and live as long as it
        var transport = new DuplexPipeStream(Input, Out.Output);
        Input = PipeReader.Create(new DeflateStream(transport, CompressionMode.Decompress, leaveOpen: true));
        Out.Output = PipeWriter.Create(new DeflateStream(transport, DeflateOptions, leaveOpen: true));
#pragma warning restore CA2000
        Compressed = true;
    }
}
