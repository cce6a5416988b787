using Microsoft.Extensions.DependencyInjection;
using OrleansMail.Grains.Contracts;
using OrleansMail.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrleansMail.SiloHost.Tests;

/// <summary>
/// The full-text index through a real crash: a silo host process killed (SIGKILL) after deliveries whose index
/// was never uploaded, and the machine lost with its disk. The next start finds the store's upload, reads the rest
/// back from the bodies, and SEARCH finds every message, from the index.
/// </summary>
public sealed class FullTextProcessTests(ITestOutputHelper output)
{
    private const string User = "finn";

    [Fact]
    public async Task A_killed_silo_whose_disk_is_lost_searches_every_message_after_the_restart()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        using var folder = new TempFolder();
        var passwd = Path.Combine(folder.Path, "users.passwd");
        await File.WriteAllLinesAsync(passwd, [$"{User}:{{PLAIN}}x::::::"]);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var cluster = "fts-" + suffix;
        string[] quiet = ["--OrleansMail:Store:CheckpointInterval=01:00:00"];
        SiloHostProcess? first = null, second = null;
        try
        {
            first = SiloHostProcess.Start(azurite, folder.Path, passwd, "fts" + suffix, cluster, 0, settings: quiet);
            await SiloHostProcess.WaitForGreetingAsync(first.LmtpPort);
            for (var i = 0; i < 6; i++)
            {
                await DeliverAsync(first.LmtpPort, i);
            }

            // Six uploaded when the user leaves; four more the index holds only in the silo's memory and disk.
            using (var client = await SiloHostProcess.ConnectClientAsync(azurite, cluster))
            {
                await client.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(User).DeactivateAsync();
            }

            for (var i = 6; i < 10; i++)
            {
                await DeliverAsync(first.LmtpPort, i);
            }

            await AssertFoundAsync(first.ImapPort, 10);
            first.Process.Kill();
            await first.Process.WaitForExitAsync();
            Directory.Delete(Path.Combine(folder.Path, "silo0"), recursive: true);

            second = SiloHostProcess.Start(azurite, folder.Path, passwd, "fts" + suffix, cluster, 0, replacing: first, settings: quiet);
            await SiloHostProcess.WaitForGreetingAsync(second.LmtpPort);
            using (var client = await SiloHostProcess.ConnectClientAsync(azurite, cluster))
            {
                var grain = client.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(User);
                var deadline = DateTime.UtcNow.AddSeconds(90);
                FullTextStatus status;
                while (!((status = await SiloHostProcess.RetryAsync(grain.GetFullTextStatusAsync)) is { Indexed: 10, Waiting: 0, Filling: false }))
                {
                    Assert.True(DateTime.UtcNow < deadline, $"index not complete: {status}\n{second.RecentLines}");
                    await Task.Delay(250);
                }

                output.WriteLine($"after the restart: {status}");
                Assert.Equal("the object store", status.LoadedFrom);
            }

            await AssertFoundAsync(second.ImapPort, 10);
        }
        finally
        {
            foreach (var s in new[] { first, second }.OfType<SiloHostProcess>())
            {
                if (!s.Process.HasExited)
                {
                    s.Process.Kill();
                    await s.Process.WaitForExitAsync();
                }
            }
        }
    }

    /// <summary>Each message's own word finds exactly it; the word all of them share finds them all.</summary>
    private static async Task AssertFoundAsync(int imapPort, int count)
    {
        await using var imap = new ImapTranscript();
        await imap.ConnectAsync(imapPort);
        Assert.StartsWith("l1 OK", (await imap.CommandAsync("l1", $"LOGIN {User} x"))[^1]);
        await imap.CommandAsync("s1", "SELECT INBOX");
        var found = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var answer = (await imap.CommandAsync($"f{i}", $"SEARCH BODY marmalade{i}"))[0];
            var numbers = answer.Split(' ').Skip(2).ToList();
            Assert.True(numbers.Count == 1, $"marmalade{i}: {answer}");
            found.Add(numbers[0]);
        }

        Assert.Equal(count, found.Distinct().Count());
        Assert.Equal(count, (await imap.CommandAsync("t1", "SEARCH TEXT \"orange peel\""))[0].Split(' ').Length - 2);
    }

    private static async Task DeliverAsync(int port, int i)
    {
        var message = $"From: Cook <cook@example.org>\r\nTo: {User}@localhost\r\nSubject: Recipe {i}\r\n\r\nThe marmalade{i} needs orange peel and sugar.\r\n";
        for (var attempt = 0; ; attempt++)
        {
            var reply = await LmtpDelivery.DeliverMessageAsync(port, $"{User}@localhost", message);
            if (reply.StartsWith("250", StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(attempt < 40, reply);
            await Task.Delay(250);
        }
    }
}
