using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OrleansMail.Hosting;
using OrleansMail.Hosting.Azure;
using OrleansMail.ObjectStore;

namespace OrleansMail.Testing;

/// <summary>
/// The real silo host (silo, LMTP and IMAP listeners) inside the test process, on free loopback ports, with its
/// data under a folder of the test's; optionally in front of a store the test controls (a fault plan, say).
/// </summary>
public sealed class TestMailHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestMailHost(WebApplication app, int lmtpPort, int imapPort, int gatewayPort, int siloPort, int httpPort, int manageSievePort)
    {
        ManageSievePort = manageSievePort;
        _app = app;
        HttpPort = httpPort;
        SiloPort = siloPort;
        LmtpPort = lmtpPort;
        ImapPort = imapPort;
        GatewayPort = gatewayPort;
    }

    public int LmtpPort { get; }

    public int ImapPort { get; }

    public int GatewayPort { get; }

    /// <summary>The ManageSieve listener (RFC 5804).</summary>
    public int ManageSievePort { get; }

    public int SiloPort { get; }

    /// <summary>The operator's listener: /healthz, /ready, /metrics.</summary>
    public int HttpPort { get; }

    public IServiceProvider Services => _app.Services;

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    /// <param name="settings">Further configuration, as command-line arguments; they win over the defaults here.</param>
    /// <param name="store">The object store to use instead of the configured one.</param>
    public static async Task<TestMailHost> StartAsync(string dataPath, IEnumerable<string> settings, IObjectStore? store = null)
    {
        int lmtp = LoopbackPorts.Free(), imap = LoopbackPorts.Free(), gateway = LoopbackPorts.Free(), silo = LoopbackPorts.Free(), http = LoopbackPorts.Free(), sieve = LoopbackPorts.Free();
        string[] arguments =
        [
            $"--OrleansMail:DataPath={dataPath}",
            $"--OrleansMail:Lmtp:Endpoint=127.0.0.1:{lmtp}",
            $"--OrleansMail:Imap:Endpoint=127.0.0.1:{imap}",
            $"--OrleansMail:Clustering:SiloPort={silo}",
            $"--OrleansMail:Clustering:GatewayPort={gateway}",
            $"--OrleansMail:Http:Endpoint=127.0.0.1:{http}",
            $"--OrleansMail:ManageSieve:Endpoint=127.0.0.1:{sieve}",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        var builder = MailHost.CreateBuilder(arguments);
        builder.AddOrleansMail().AddAzureProviders();
        if (store is not null)
        {
            builder.Services.AddSingleton(store);
        }

        var app = builder.Build();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new TestMailHost(app, lmtp, imap, gateway, silo, http, sieve);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
