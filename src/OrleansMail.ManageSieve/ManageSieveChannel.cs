using System.IO.Pipelines;
using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using OrleansMail.Connections;

namespace OrleansMail.ManageSieve;

/// <summary>
/// The bytes of one ManageSieve connection: the reader commands come from, the writer responses go to, and the
/// switch of both to TLS after STARTTLS. A client that stops reading is cut off after the write timeout.
/// </summary>
internal sealed class ManageSieveChannel(ConnectionContext connection, TimeSpan writeTimeout, TimeProvider time, bool tls)
{
    private PipeWriter _output = connection.Transport.Output;

    public CommandReader Reader { get; } = new(connection.Transport.Input);

    public bool Tls { get; private set; } = tls;

    public async Task SendAsync(ResponseBuilder response)
    {
        var write = _output.WriteAsync(response.Written);
        if (write.IsCompletedSuccessfully)
        {
            return;
        }

        try
        {
            await write.AsTask().WaitAsync(writeTimeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            connection.Abort(new ConnectionAbortedException("the client stopped reading"));
            throw new IOException("the client stopped reading responses");
        }
    }

    /// <summary>
    /// Drops whatever the client pipelined behind STARTTLS in plaintext (CVE-2011-0411). Called before the OK goes
    /// out: once the client has read it, the next bytes are its TLS handshake, which a later discard could cut.
    /// </summary>
    public void DropPipelinedPlaintext()
    {
        var input = Reader.Input;
        if (input.TryRead(out var pending))
        {
            input.AdvanceTo(pending.Buffer.End);
        }
    }

    /// <summary>Runs the TLS handshake over the same connection; from then on both directions go through the TLS stream.</summary>
    public async Task UpgradeToTlsAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var input = Reader.Input;
#pragma warning disable CA2000 // the TLS stream becomes the connection's transport and lives as long as it
        var ssl = new SslStream(new DuplexPipeStream(input, _output), leaveInnerStreamOpen: false);
#pragma warning restore CA2000
        await ssl.AuthenticateAsServerAsync(options, cancellationToken).ConfigureAwait(false);
        Reader.Input = PipeReader.Create(ssl);
        _output = PipeWriter.Create(ssl);
        Tls = true;
    }
}
