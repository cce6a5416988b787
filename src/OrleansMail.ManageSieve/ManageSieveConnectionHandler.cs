using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansMail.Accounts.Authentication;
using OrleansMail.Connections;
using OrleansMail.MailStorage.Memory;
using OrleansMail.Sieve;

namespace OrleansMail.ManageSieve;

/// <summary>Kestrel's entry point for ManageSieve connections (RFC 5804): one session per connection.</summary>
public sealed class ManageSieveConnectionHandler(
    IGrainFactory grains,
    LoginCheck logins,
    IOptions<ManageSieveOptions> options,
    ConnectionCounts counts,
    ManageSieveMetrics metrics,
    ServerCertificate certificate,
    MemoryPressure memory,
    SieveLimits sieveRules,
    ILogger<ManageSieveConnectionHandler> log,
    TimeProvider time) : ConnectionHandler
{
    private readonly ManageSieveServices _services = new(grains, logins, options.Value, counts, metrics, certificate.Certificate, memory, sieveRules, log, time);

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var tls = connection.Features.Get<ITlsHandshakeFeature>() is not null;
        using var session = new ManageSieveSession(connection, _services, tls);
        await session.RunAsync().ConfigureAwait(false);
    }
}
