using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>A host with a PEM certificate, an implicit-TLS port and logins refused before TLS.</summary>
public sealed class TlsHost : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private TestMailHost _host = null!;

    public int ImapPort => _host.ImapPort;

    public int TlsPort { get; } = LoopbackPorts.Free();

    public async Task InitializeAsync()
    {
        File.WriteAllLines(Path.Combine(_folder.Path, "users.passwd"), ["carol:{PLAIN}secret::::::"]);
        var (certPath, keyPath) = SelfSignedPem.Write(_folder.Path, "imap.test");
        _host = await TestMailHost.StartAsync(
            _folder.Path,
            [
                $"--OrleansMail:Imap:TlsEndpoint=127.0.0.1:{TlsPort}",
                "--OrleansMail:Imap:RequireTlsForLogin=true",
                "--OrleansMail:Imap:TlsHandshakeTimeout=00:00:02",
                $"--OrleansMail:Tls:CertificatePath={certPath}",
                $"--OrleansMail:Tls:KeyPath={keyPath}",
            ]);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>STARTTLS, implicit TLS and LOGINDISABLED (RFC 3501 §6.2.1, RFC 8314).</summary>
public sealed class TlsTests(TlsHost host) : IClassFixture<TlsHost>
{
    // The test certificate is self-signed: trust exactly it, by name.
    private static ImapClient Client() => new() { ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.Subject == "CN=imap.test" };

    [Fact]
    public async Task Plaintext_offers_STARTTLS_and_refuses_login_until_TLS()
    {
        await using var t = new ImapTranscript();
        await t.ConnectAsync(host.ImapPort);
        Assert.Contains("STARTTLS", t.Greeting);
        Assert.Contains("LOGINDISABLED", t.Greeting);
        Assert.DoesNotContain("AUTH=PLAIN", t.Greeting);
        Assert.Equal("a1 NO [PRIVACYREQUIRED] Use STARTTLS or the TLS port first", (await t.CommandAsync("a1", "LOGIN carol secret"))[^1]);
    }

    [Fact]
    public async Task A_TLS_handshake_that_never_comes_is_cut_after_the_handshake_timeout()
    {
        // Undefended: STARTTLS waited for the client's handshake for ever, holding a connection slot.
        await using var t = new ImapTranscript();
        await t.ConnectAsync(host.ImapPort);
        Assert.StartsWith("s OK", (await t.CommandAsync("s", "STARTTLS"))[^1]);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await t.ClosedAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"STARTTLS: closed after {watch.Elapsed.TotalSeconds:F1} s");

        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", host.TlsPort);
        watch.Restart();
        var n = await tcp.GetStream().ReadAsync(new byte[16], new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        Assert.Equal(0, n);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"implicit TLS: closed after {watch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task MailKit_logs_in_after_STARTTLS()
    {
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", host.ImapPort, SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        Assert.Contains("PLAIN", client.AuthenticationMechanisms);
        await client.AuthenticateAsync("carol", "secret");
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(0, client.Inbox.Count);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task MailKit_logs_in_on_the_implicit_TLS_port()
    {
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", host.TlsPort, SecureSocketOptions.SslOnConnect);
        Assert.True(client.IsSecure);
        Assert.False(client.Capabilities.HasFlag(ImapCapabilities.StartTLS));
        await client.AuthenticateAsync("carol", "secret");
        Assert.True(client.IsAuthenticated);
        await client.DisconnectAsync(true);
    }
}
