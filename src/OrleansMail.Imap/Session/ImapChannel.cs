using System.Buffers;
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
            if (end is { } position)
            {
                var line = Encoding.UTF8.GetString(buffer.Slice(0, position).ToArray()).TrimEnd('\r');
                Input.AdvanceTo(buffer.GetPosition(1, position));
                return line;
            }

            if (buffer.Length > maxLength)
            {
                Input.AdvanceTo(buffer.End);
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
    /// Discards whatever the client pipelined after STARTTLS in plaintext (CVE-2011-0411), then runs the TLS
    /// handshake over the same connection; from then on both directions go through the TLS stream.
    /// </summary>
    public async Task UpgradeToTlsAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken)
    {
        if (Input.TryRead(out var pending))
        {
            Input.AdvanceTo(pending.Buffer.End);
        }

#pragma warning disable CA2000 // the TLS stream becomes the connection's transport and lives as long as it
        var ssl = new SslStream(new DuplexPipeStream(Input, Out.Output), leaveInnerStreamOpen: false);
#pragma warning restore CA2000
        await ssl.AuthenticateAsServerAsync(options, cancellationToken).ConfigureAwait(false);
        Input = PipeReader.Create(ssl);
        Out.Output = PipeWriter.Create(ssl);
        Tls = true;
    }
}
