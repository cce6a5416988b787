using System.Net;
using System.Net.Sockets;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.SiloHost.Tests;

/// <summary>A silo short of memory says "later" to new work instead of being killed with every session on it.</summary>
[Collection(MetricValuesCollection.Name)]
public sealed class MemoryBudgetTests
{
    [Fact]
    public async Task Short_of_memory_new_logins_and_deliveries_are_refused_as_temporary_and_the_scrape_shows_it()
    {
        using var folder = new TempFolder();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "users.passwd"), "alice:{PLAIN}secret::::::\n");
        await using var host = await TestMailHost.StartAsync(Path.Combine(folder.Path, "data"), [$"--OrleansMail:Accounts:PasswdFile={Path.Combine(folder.Path, "users.passwd")}", "--OrleansMail:Memory:ShedLoadAboveBytes=1"]);

        await using (var imap = new ImapTranscript())
        {
            await imap.ConnectAsync(host.ImapPort);
            Assert.Equal("a1 NO [UNAVAILABLE] The server is short of memory; try again shortly", (await imap.CommandAsync("a1", "LOGIN alice secret"))[^1]);
        }

        using (var lmtp = new TcpClient())
        {
            await lmtp.ConnectAsync(IPAddress.Loopback, host.LmtpPort);
            using var reader = new StreamReader(lmtp.GetStream());
            await using var writer = new StreamWriter(lmtp.GetStream()) { NewLine = "\r\n", AutoFlush = true };
            Assert.StartsWith("220", await reader.ReadLineAsync());
            await writer.WriteLineAsync("LHLO test");
            while ((await reader.ReadLineAsync())!.StartsWith("250-", StringComparison.Ordinal))
            {
            }

            await writer.WriteLineAsync("MAIL FROM:<sender@example.org>");
            Assert.Equal("451 4.3.2 Server short of memory, try again later", await reader.ReadLineAsync());
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.HttpPort}") };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches(@"(?m)^orleansmail_memory_shedding(\{[^}]*\})? 1\b", metrics);
        Assert.Matches(@"(?m)^orleansmail_cache_budget_bytes\{[^}]*cache=""summaries""[^}]*\} 67108864\b", metrics);
    }

    [Fact]
    public async Task With_memory_to_spare_the_same_login_and_delivery_go_through()
    {
        using var folder = new TempFolder();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "users.passwd"), "alice:{PLAIN}secret::::::\n");
        await using var host = await TestMailHost.StartAsync(Path.Combine(folder.Path, "data"), [$"--OrleansMail:Accounts:PasswdFile={Path.Combine(folder.Path, "users.passwd")}"]);
        Assert.StartsWith("250", await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, "alice@localhost", "Subject: hi\r\n\r\nhello\r\n"));
        await using var imap = new ImapTranscript();
        await imap.ConnectAsync(host.ImapPort);
        Assert.StartsWith("a1 OK", (await imap.CommandAsync("a1", "LOGIN alice secret"))[^1]);
    }
}
