using System.Net.Sockets;
using System.Text;
using MailKit.Net.Imap;
using MailKit.Security;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.ObjectStore.Testing;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>The real silo host (IMAP and LMTP) on free loopback ports and a temp data folder, with a fault plan in front of its store.</summary>
public sealed class ImapHost : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private TestMailHost _host = null!;
    private int _users;

    public int ImapPort => _host.ImapPort;

    public int LmtpPort => _host.LmtpPort;

    public FaultPlan Faults { get; } = new();

    /// <summary>The host's object store as it is, without the fault plan: to look at what was stored.</summary>
    public FileSystemObjectStore Store { get; private set; } = null!;

    public const long MaxSize = 300_000;

    /// <summary>The user Imap:QuotaAdmins names: it may read and set every user's quota (RFC 9208 SETQUOTA).</summary>
    public const string QuotaAdmin = "quotaadmin";

    public async Task InitializeAsync()
    {
        File.WriteAllLines(Path.Combine(_folder.Path, "users.passwd"), [.. Enumerable.Range(0, 200).Select(i => $"user{i}:{{PLAIN}}secret::::::"), $"{QuotaAdmin}:{{PLAIN}}secret::::::"]);
        var store = new FileSystemObjectStore(Path.Combine(_folder.Path, "store"));
        Store = store;
        _host = await TestMailHost.StartAsync(
            _folder.Path,
            [
                "--OrleansMail:Imap:Hostname=imap.test",
                "--OrleansMail:Imap:MaxLineLength=2000",
                "--OrleansMail:Imap:AuthFailureDelay=00:00:00.050",
                "--OrleansMail:Imap:IdlePollInterval=00:00:02",
                "--OrleansMail:Imap:MaxSessionsPerUser=5",
                "--OrleansMail:Imap:LoginTimeout=00:00:05",
                $"--OrleansMail:Imap:QuotaAdmins:0={QuotaAdmin}",
                "--OrleansMail:BodyCache:MaxCachedBody=100000",
                $"--OrleansMail:Ingest:MaxMessageSize={MaxSize}",
            ],
            new FaultInjectingObjectStore(store, Faults));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _folder.Dispose();
    }

    public IGrainFactory Grains => _host.Grains;

    /// <summary>A user no other test touches (tests in a class share the host).</summary>
    public string NewUser() => $"user{Interlocked.Increment(ref _users)}";

    /// <summary>
    /// A user of its own whose passwd-file line ends in <paramref name="extra"/> (quota rules, say); the directory
    /// re-reads the file when it changes, so the user exists once this returns and the next login sees it.
    /// </summary>
    public string NewUser(string extra)
    {
        var user = $"extra{Interlocked.Increment(ref _users)}";
        lock (_folder)
        {
            File.AppendAllLines(Path.Combine(_folder.Path, "users.passwd"), [$"{user}:{{PLAIN}}secret::::::{extra}"]);
        }

        return user;
    }

    public async Task<ImapClient> ConnectAsync(string user)
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, "secret");
        return client;
    }

    public async Task<ImapTranscript> TranscriptAsync()
    {
        var t = new ImapTranscript();
        await t.ConnectAsync(ImapPort);
        return t;
    }

    /// <summary>Delivers a message over LMTP as an MTA would; returns the final reply.</summary>
    /// <summary>A raw transcript already logged in as <paramref name="user"/> (tag a0).</summary>
    public async Task<ImapTranscript> LoggedInAsync(string user)
    {
        var t = await TranscriptAsync();
        Assert.StartsWith("a0 OK", (await t.CommandAsync("a0", $"LOGIN {user} secret"))[^1]);
        return t;
    }

    public Task<string> DeliverAsync(string user, string message) => LmtpDelivery.DeliverMessageAsync(LmtpPort, $"{user}@localhost", message);

    public static string Message(string subject, string body = "Hello there.", string from = "Sender <sender@example.org>") =>
        $"From: {from}\r\nTo: Someone <someone@example.org>\r\nSubject: {subject}\r\nDate: Tue, 3 Nov 2026 10:00:00 +0000\r\nMessage-ID: <{Guid.NewGuid():N}@example.org>\r\n\r\n{body}\r\n";
}

[CollectionDefinition(Name)]
public sealed class ImapHostCollection : ICollectionFixture<ImapHost>
{
    public const string Name = "imap-host";
}
