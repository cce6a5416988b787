using System.Globalization;
using System.Net.Sockets;
using System.Text;
using OrleansMail.Accounts.Directory;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.SiloHost.Tests;

/// <summary>The embedded default as shipped: who can reach its ports, who can read its files, what it refuses to start with.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HostLockdownTests
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task The_silo_and_gateway_ports_listen_on_loopback_only()
    {
        using var folder = new TempFolder();
        await using var host = await TestMailHost.StartAsync(folder.Path, []);
        foreach (var port in new[] { host.SiloPort, host.GatewayPort })
        {
            var listeners = ListeningAddresses(port);
            Assert.NotEmpty(listeners);
            Assert.All(listeners, address => Assert.True(address is "127.0.0.1" or "::1", $"port {port} listens on {address}"));
        }
    }

    [Fact]
    public async Task Mail_on_disk_is_readable_by_its_owner_only()
    {
        using var folder = new TempFolder();
        var data = Path.Combine(folder.Path, "data");
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "users.passwd"), "alice:{PLAIN}secret::::::\n");
        await using (var host = await TestMailHost.StartAsync(data, [$"--OrleansMail:Accounts:PasswdFile={Path.Combine(folder.Path, "users.passwd")}", "--OrleansMail:Ingest:MemorySpoolThreshold=1000"]))
        {
            var big = "Subject: spooled to disk\r\n\r\n" + new string('x', 5000) + "\r\n";
            Assert.StartsWith("250", await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, "alice@localhost", big));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        var files = Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.Contains($"{Path.DirectorySeparatorChar}msg{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        Assert.True(Directory.Exists(Path.Combine(data, "spool")), "spool files belong under the data path");
        foreach (var path in files.Concat(Directory.EnumerateDirectories(data, "*", SearchOption.AllDirectories)))
        {
            Assert.True((File.GetUnixFileMode(path) & GroupOrOther) == 0, $"{Path.GetRelativePath(data, path)} is {File.GetUnixFileMode(path)}");
        }
    }

    [Fact]
    public async Task Requiring_TLS_for_login_without_a_certificate_refuses_to_start()
    {
        using var folder = new TempFolder();
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestMailHost.StartAsync(folder.Path, ["--OrleansMail:Imap:RequireTlsForLogin=true"]));
        Assert.Contains("RequireTlsForLogin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_without_its_certificate_refuses_to_start()
    {
        using var folder = new TempFolder();
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestMailHost.StartAsync(folder.Path,
        [
            "--OrleansMail:Clustering:Provider=AzureTable",
            "--OrleansMail:Storage:ConnectionString=UseDevelopmentStorage=true",
        ]));
        Assert.Contains("CertificatePath", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_passwd_file_edits_all_land_and_keep_the_file_private()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "users.passwd");
        await File.WriteAllTextAsync(path, "# users\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // Undefended: a fixed ".tmp" name and no lock lost updates and left the file 0644.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => PasswdFileDirectory.Upsert(path, $"user{i}", "{PLAIN}secret"))));
        var names = File.ReadAllLines(path).Where(l => !l.StartsWith('#')).Select(l => l.Split(':')[0]).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"user{i}").ToHashSet(), names);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Empty(Directory.EnumerateFiles(folder.Path, "*.tmp"));
        Assert.True(PasswdFileDirectory.Remove(path, "user3"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    /// <summary>The local addresses with a listening TCP socket on <paramref name="port"/>, from /proc/net/tcp and tcp6.</summary>
    private static List<string> ListeningAddresses(int port)
    {
        var result = new List<string>();
        foreach (var (file, family) in new[] { ("/proc/net/tcp", AddressFamily.InterNetwork), ("/proc/net/tcp6", AddressFamily.InterNetworkV6) })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] != "0A" || int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != port)
                {
                    continue;
                }

                var bytes = Convert.FromHexString(local[0]);

                // /proc prints each 32-bit word in host (little-endian) order.
                for (var i = 0; i < bytes.Length; i += 4)
                {
                    Array.Reverse(bytes, i, 4);
                }

                var address = new System.Net.IPAddress(bytes);
                result.Add(address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString());
            }
        }

        return result;
    }
}
