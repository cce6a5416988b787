using System.Diagnostics;
using System.Globalization;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.SiloHost.Tests;

/// <summary>
/// `orleansmail user move` between two silo-host processes while the user's IMAP session idles and mail arrives, then
/// a graceful stop of the silo holding the user.
/// </summary>
public sealed class LiveMigrationProcessTests
{
    [Fact]
    public async Task An_idling_session_keeps_working_while_its_user_moves_back_and_forth_under_deliveries()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        using var folder = new TempFolder();
        var passwd = Path.Combine(folder.Path, "users.passwd");
        await File.WriteAllLinesAsync(passwd, ["alice:{PLAIN}x::::::"]);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var clusterId = "move-" + suffix;
        var silos = new[]
        {
            // The drain, the migrations and every activation's end say what they did, for the failure message.
            SiloHostProcess.Start(azurite, folder.Path, passwd, "move" + suffix, clusterId, 0, null, "--Logging:LogLevel:OrleansMail.Grains=Debug"),
            SiloHostProcess.Start(azurite, folder.Path, passwd, "move" + suffix, clusterId, 1, null, "--Logging:LogLevel:OrleansMail.Grains=Debug"),
        };
        try
        {
            foreach (var s in silos)
            {
                await SiloHostProcess.WaitForGreetingAsync(s.LmtpPort);
            }

            await using var session = new ImapTranscript();
            await session.ConnectAsync(silos[0].ImapPort);
            await session.CommandAsync("a0", "LOGIN alice x");
            Assert.StartsWith("250", await LmtpDelivery.DeliverMessageAsync(silos[1].LmtpPort, "alice@example.org", "Subject: before\r\n\r\nbefore the move\r\n"), StringComparison.Ordinal);
            Assert.Contains("* 1 EXISTS", await session.CommandAsync("a1", "SELECT INBOX"));
            await session.SendAsync("a2 IDLE\r\n");
            Assert.StartsWith("+", await session.LineAsync());

            // Deliveries keep coming through both silos while the user moves there and back.
            const int Deliveries = 12;
            var delivering = Task.Run(async () =>
            {
                for (var i = 0; i < Deliveries; i++)
                {
                    var reply = await LmtpDelivery.DeliverMessageAsync(silos[i % 2].LmtpPort, "alice@example.org", $"Subject: during {i}\r\n\r\nwhile moving\r\n");
                    Assert.True(reply.StartsWith("250", StringComparison.Ordinal), reply);
                    await Task.Delay(150);
                }
            });
            for (var move = 0; move < 2; move++)
            {
                var (code, output) = await CliAsync(azurite, clusterId, passwd, "user", "move", "alice");
                Assert.True(code == 0, output);
                Assert.Matches(@"alice moved from \S+ to \S+ \(index handed over, 1 sessions listening\)", output);
            }

            await delivering;

            // The session, never dropped, heard of every message; one EXISTS may tell several.
            var exists = 1;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (exists < 1 + Deliveries && DateTime.UtcNow < deadline)
            {
                var line = await session.LineAsync(deadline - DateTime.UtcNow);
                if (line.EndsWith(" EXISTS", StringComparison.Ordinal))
                {
                    exists = int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
                }
            }

            Assert.Equal(1 + Deliveries, exists);
            await session.SendAsync("DONE\r\n");
            Assert.StartsWith("a2 OK", (await session.UntilTaggedAsync("a2"))[^1], StringComparison.Ordinal);
            var stored = await session.CommandAsync("a3", $"STORE {Deliveries + 1} +FLAGS (\\Flagged)");
            Assert.Contains(stored, l => l.StartsWith($"* {Deliveries + 1} FETCH (FLAGS (", StringComparison.Ordinal) && l.Contains("\\Flagged", StringComparison.Ordinal));
            Assert.StartsWith("a3 OK", stored[^1], StringComparison.Ordinal);
            var show = await CliAsync(azurite, clusterId, passwd, "user", "show", "alice");
            Assert.Contains("index loaded from migration", show.Output, StringComparison.Ordinal);
            Assert.Contains($"messages        {1 + Deliveries}", show.Output, StringComparison.Ordinal);

            // A rolling upgrade: the silo holding alice (not the one her session is on) is stopped gracefully; it
            // hands her to the other before it goes, and the session carries on.
            var toSecond = await CliAsync(azurite, clusterId, passwd, "user", "move", "alice", $"127.0.0.1:{silos[1].SiloPort}");
            Assert.True(toSecond.Code == 0, toSecond.Output);
            silos[1].Terminate();
            Assert.True(silos[1].Process.WaitForExit(TimeSpan.FromSeconds(60)), "the stopped silo did not exit");
            await session.SendAsync("a4 IDLE\r\n");
            Assert.StartsWith("+", await session.LineAsync());
            Assert.StartsWith("250", await LmtpDelivery.DeliverMessageAsync(silos[0].LmtpPort, "alice@example.org", "Subject: after\r\n\r\nafter the upgrade\r\n"), StringComparison.Ordinal);
            Assert.Equal($"* {Deliveries + 2} EXISTS", await session.LineAsync(TimeSpan.FromSeconds(30)));
            await session.SendAsync("DONE\r\n");
            await session.UntilTaggedAsync("a4");
            show = await CliAsync(azurite, clusterId, passwd, "user", "show", "alice");
            Assert.Contains($":{silos[0].SiloPort}:", show.Output, StringComparison.Ordinal);
            Assert.Contains($"messages        {Deliveries + 2}", show.Output, StringComparison.Ordinal);

            // Handed over: the stopping silo waited until its user answered from the other one before it went on.
            Assert.True(
                show.Output.Contains("index loaded from migration", StringComparison.Ordinal),
                $"{show.Output}\nthe stopped silo's last lines:\n{silos[1].RecentLines}\nthe other silo's:\n{silos[0].RecentLines}");
        }
        finally
        {
            foreach (var s in silos)
            {
                if (!s.Process.HasExited)
                {
                    s.Process.Kill();
                }

                s.Process.Dispose();
            }
        }
    }

    /// <summary>The admin CLI as an operator runs it against an Azure cluster: its own process, the cluster certificate.</summary>
    private static async Task<(int Code, string Output)> CliAsync(AzuriteServer azurite, string clusterId, string passwd, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(BuildOutput.Of("tools/OrleansMail.Cli", "orleansmail.dll"));
        foreach (var a in args.Concat([
            "--passwd-file", passwd, "--azure", azurite.ConnectionString, "--cluster-id", clusterId,
            "--cluster-cert", SiloHostProcess.ClusterCertificate.Value.CertificatePath, "--cluster-key", SiloHostProcess.ClusterCertificate.Value.KeyPath]))
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
