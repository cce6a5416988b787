using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.ManageSieve.Tests;

/// <summary>
/// Passwords in clear text only from the machine itself: a client on another address sees no SASL mechanism and
/// ENCRYPT-NEEDED until STARTTLS (Dovecot's disable_plaintext_auth), unless the administrator allows it.
/// </summary>
public sealed class PlaintextLoginTests
{
    /// <summary>This machine's first non-loopback IPv4 address: connecting to it is not a loopback connection.</summary>
    private static IPAddress OwnAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .First(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    private static async Task<TestMailHost> StartAsync(TempFolder folder, IPAddress address, int port, bool allowPlaintext)
    {
        File.WriteAllLines(Path.Combine(folder.Path, "users.passwd"), ["carol:{PLAIN}secret::::::"]);
        var (certPath, keyPath) = SelfSignedPem.Write(folder.Path, "sieve.test");
        return await TestMailHost.StartAsync(
            folder.Path,
            [
                $"--OrleansMail:ManageSieve:Endpoint={address}:{port}",
                $"--OrleansMail:ManageSieve:AllowPlaintextLogin={allowPlaintext}",
                $"--OrleansMail:Tls:CertificatePath={certPath}",
                $"--OrleansMail:Tls:KeyPath={keyPath}",
            ]);
    }

    [Fact]
    public async Task From_another_address_a_login_needs_TLS_first()
    {
        using var folder = new TempFolder();
        var address = OwnAddress();
        var port = LoopbackPorts.Free();
        await using var host = await StartAsync(folder, address, port, allowPlaintext: false);

        await using var t = await SieveTranscript.ConnectAsync(address.ToString(), port);
        Assert.Contains("\"SASL\" \"\"", t.Greeting);
        Assert.Contains("\"STARTTLS\"", t.Greeting);
        Assert.Equal("NO (ENCRYPT-NEEDED) \"Use STARTTLS first\"", await t.LoginAsync("carol"));

        var capabilities = await t.StartTlsAsync(ManageSieveHost.CertificateSubject);
        Assert.Contains("\"SASL\" \"PLAIN LOGIN\"", capabilities);
        Assert.Equal("OK \"Logged in.\"", await t.LoginAsync("carol"));
    }

    [Fact]
    public async Task An_administrator_may_allow_plaintext_logins_from_anywhere()
    {
        using var folder = new TempFolder();
        var address = OwnAddress();
        var port = LoopbackPorts.Free();
        await using var host = await StartAsync(folder, address, port, allowPlaintext: true);

        await using var t = await SieveTranscript.ConnectAsync(address.ToString(), port);
        Assert.Contains("\"SASL\" \"PLAIN LOGIN\"", t.Greeting);
        Assert.Equal("OK \"Logged in.\"", await t.LoginAsync("carol"));
    }
}
