using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.ManageSieve.Tests;

/// <summary>The real silo host with a PEM certificate, so ManageSieve offers STARTTLS, and users of its own per test.</summary>
public sealed class ManageSieveHost : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private TestMailHost _host = null!;
    private int _users;

    public const string CertificateSubject = "CN=sieve.test";

    public int Port => _host.ManageSievePort;

    public int LmtpPort => _host.LmtpPort;

    public int ImapPort => _host.ImapPort;

    public IGrainFactory Grains => _host.Grains;

    public async Task InitializeAsync()
    {
        File.WriteAllLines(Path.Combine(_folder.Path, "users.passwd"), [.. Enumerable.Range(0, 100).Select(i => $"user{i}:{{PLAIN}}secret::::::")]);
        var (certPath, keyPath) = SelfSignedPem.Write(_folder.Path, "sieve.test");
        _host = await TestMailHost.StartAsync(
            _folder.Path,
            [
                "--OrleansMail:ManageSieve:Hostname=sieve.test",
                "--OrleansMail:ManageSieve:AuthFailureDelay=00:00:00.050",
                "--OrleansMail:ManageSieve:MaxBadCommands=5",
                "--OrleansMail:Accounts:Domains:0=example.org",
                $"--OrleansMail:Tls:CertificatePath={certPath}",
                $"--OrleansMail:Tls:KeyPath={keyPath}",
            ]);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>A user no other test touches (tests in a class share the host).</summary>
    public string NewUser() => $"user{Interlocked.Increment(ref _users)}";

    /// <summary>A connection logged in as a new user, over loopback without TLS (allowed from loopback).</summary>
    public async Task<(SieveTranscript Transcript, string User)> LoggedInAsync()
    {
        var user = NewUser();
        var t = await SieveTranscript.ConnectAsync("127.0.0.1", Port);
        Assert.Equal("OK \"Logged in.\"", await t.LoginAsync(user));
        return (t, user);
    }
}
