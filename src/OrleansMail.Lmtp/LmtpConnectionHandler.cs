using OrleansMail.MailStorage.Memory;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansMail.Accounts.Directory;
using OrleansMail.MailStorage.Ingest;

namespace OrleansMail.Lmtp;

/// <summary>Kestrel's entry point for LMTP connections: one <see cref="LmtpSession"/> per connection.</summary>
public sealed class LmtpConnectionHandler(
    MessageIngest ingest,
    IUserDirectory users,
    IngestOptions ingestOptions,
    IOptions<LmtpOptions> options,
    LmtpMetrics metrics,
    MemoryPressure memory,
    SieveFilter sieve,
    ILogger<LmtpSession> log,
    TimeProvider time) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = new LmtpSession(connection, ingest, users, ingestOptions, options.Value, metrics, memory, sieve, log, time);
        await session.RunAsync().ConfigureAwait(false);
    }
}
