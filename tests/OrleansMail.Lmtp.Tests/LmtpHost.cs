using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.ObjectStore.Testing;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Lmtp.Tests;

/// <summary>The real silo host on free loopback ports and a temp data folder, with a fault plan in front of its store.</summary>
public sealed class LmtpHost : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private TestMailHost _host = null!;

    public int Port => _host.LmtpPort;

    public int ImapPort => _host.ImapPort;

    public int GatewayPort => _host.GatewayPort;

    public string PasswdFile => Path.Combine(_folder.Path, "users.passwd");

    public FaultPlan Faults { get; } = new();

    public IObjectStore Store { get; private set; } = null!;

    public string DataPath => _folder.Path;

    public const long MaxSize = 200_000;

    public async Task InitializeAsync()
    {
        File.WriteAllLines(PasswdFile, ["alice:{PLAIN}secret::::::", "bob:{PLAIN}secret::::::", "carol:{PLAIN}secret::::::userdb_quota_rule=*:messages=1", "dave:{PLAIN}secret::::::", "erin:{PLAIN}secret::::::", "frank:{PLAIN}secret::::::", "gina:{PLAIN}secret::::::", "hana:{PLAIN}secret::::::", "ines:{PLAIN}secret::::::", "juno:{PLAIN}secret::::::", "kira:{PLAIN}secret::::::"]);
        Store = new FileSystemObjectStore(Path.Combine(_folder.Path, "store"));
        _host = await TestMailHost.StartAsync(
            _folder.Path,
            [
                "--OrleansMail:Lmtp:Hostname=mx.test",
                "--OrleansMail:Lmtp:MaxLineLength=1000",
                "--OrleansMail:Lmtp:SaveToDetailMailbox=true",
                $"--OrleansMail:Ingest:MaxMessageSize={MaxSize}",
                "--OrleansMail:Accounts:Domains:0=example.org",
                "--OrleansMail:Accounts:QuotaRules:0=*:storage=1G",
                "--OrleansMail:Lmtp:QuotaFullTempfail=true",
                "--OrleansMail:Sieve:EditHeader=true",
            ],
            new FaultInjectingObjectStore(Store, Faults));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _folder.Dispose();
    }

    public IGrainFactory Grains => _host.Grains;

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
