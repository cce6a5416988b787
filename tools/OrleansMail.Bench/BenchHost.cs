using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OrleansMail.Hosting;
using OrleansMail.Hosting.Azure;
using OrleansMail.ObjectStore;

namespace OrleansMail.Bench;

/// <summary>
/// The real silo host inside the benchmark process, on free loopback ports, with its data under the benchmark's
/// folder; the IMAP command-rate guard is lifted, since a benchmark measures the server, not its abuse limits.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchHost(WebApplication app, int lmtpPort, int imapPort)
    {
        _app = app;
        LmtpPort = lmtpPort;
        ImapPort = imapPort;
    }

    public int LmtpPort { get; }

    public int ImapPort { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="store">The object store to use instead of the configured one (a latency plan in front, say).</param>
    /// <param name="settings">Further configuration as command-line arguments; they win over the defaults here.</param>
    public static async Task<BenchHost> StartAsync(string root, IObjectStore? store, params IEnumerable<string> settings)
    {
        int lmtp = BenchPorts.Free(), imap = BenchPorts.Free();
        string[] arguments =
        [
            $"--OrleansMail:DataPath={root}",
            $"--OrleansMail:Lmtp:Endpoint=127.0.0.1:{lmtp}",
            $"--OrleansMail:Imap:Endpoint=127.0.0.1:{imap}",
            "--OrleansMail:Imap:MaxCommandsPerSecond=100000",
            "--OrleansMail:Http:Endpoint=",
            "--OrleansMail:ManageSieve:Endpoint=",
            $"--OrleansMail:Clustering:SiloPort={BenchPorts.Free()}",
            $"--OrleansMail:Clustering:GatewayPort={BenchPorts.Free()}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:OrleansMail=Warning",
            .. settings,
        ];
        var builder = MailHost.CreateBuilder(arguments);
        builder.AddOrleansMail().AddAzureProviders();
        if (store is not null)
        {
            builder.Services.AddSingleton(store);
        }

        var app = builder.Build();
        await app.StartAsync();
        return new BenchHost(app, lmtp, imap);
    }

    public Task StopAsync() => _app.StopAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
