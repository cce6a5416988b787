using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansMail.Accounts.Authentication;
using OrleansMail.Accounts.Directory;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.MailStorage.Memory;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap;

/// <summary>Kestrel's entry point for IMAP connections (plain or implicit TLS): one session per connection.</summary>
public sealed class ImapConnectionHandler(
    IGrainFactory grains,
    IUserDirectory users,
    LoginCheck logins,
    MessageIngest ingest,
    IngestOptions ingestOptions,
    MessageBodies bodies,
    MessageSummaries summaries,
    IOptions<ImapOptions> options,
    ConnectionCounts limits,
    ImapMetrics metrics,
    ServerCertificate certificate,
    MemoryPressure memory,
    ILogger<ImapConnectionHandler> log,
    TimeProvider time) : ConnectionHandler
{
    private readonly ImapServices _services = new(grains, users, logins, ingest, ingestOptions, bodies, summaries, options.Value, limits, metrics, certificate.Certificate, memory, log, time);

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var tls = connection.Features.Get<ITlsHandshakeFeature>() is not null;
        using var session = new ImapSession(connection, _services, tls);
        await session.RunAsync().ConfigureAwait(false);
    }
}
