using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Faults;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.SiloHost;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Lmtp.Tests;

/// <summary>The real silo host on free loopback ports and a temp data folder, with a fault plan in front of its store.</summary>
public sealed class LmtpHost : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private WebApplication _app = null!;

    public int Port { get; } = LoopbackPorts.Free();

    public int GatewayPort { get; } = LoopbackPorts.Free();

    public string PasswdFile => Path.Combine(_folder.Path, "users.passwd");

    public FaultPlan Faults { get; } = new();

    public IObjectStore Store { get; private set; } = null!;

    public string DataPath => _folder.Path;

    public const long MaxSize = 200_000;

    public async Task InitializeAsync()
    {
        File.WriteAllLines(Path.Combine(_folder.Path, "users.passwd"), ["alice:{PLAIN}secret::::::", "bob:{PLAIN}secret::::::"]);
        Store = new FileSystemObjectStore(Path.Combine(_folder.Path, "store"));
        _app = await MailHost.BuildAsync(
            [
                $"--OrleansMail:DataPath={_folder.Path}",
                $"--OrleansMail:Lmtp:Endpoint=127.0.0.1:{Port}",
                $"--OrleansMail:Imap:Endpoint=127.0.0.1:{LoopbackPorts.Free()}",
                $"--OrleansMail:Lmtp:Hostname=mx.test",
                $"--OrleansMail:Lmtp:MaxLineLength=1000",
                $"--OrleansMail:Ingest:MaxMessageSize={MaxSize}",
                $"--OrleansMail:Clustering:SiloPort={LoopbackPorts.Free()}",
                $"--OrleansMail:Clustering:GatewayPort={GatewayPort}",
                "--OrleansMail:Accounts:Domains:0=example.org",
                "--Logging:LogLevel:Default=Warning",
            ],
            services => services.AddSingleton<IObjectStore>(new FaultInjectingObjectStore(Store, Faults)));
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public async Task<LmtpTranscript> ConnectAsync()
    {
        var t = new LmtpTranscript();
        await t.ConnectAsync(Port);
        return t;
    }

}

[CollectionDefinition(Name)]
public sealed class LmtpHostCollection : ICollectionFixture<LmtpHost>
{
    public const string Name = "lmtp-host";
}
