using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OrleansMail.SiloHost;

namespace OrleansMail.Bench;

/// <summary>
/// OrleansMail (the embedded default: file-system store, one silo) next to Debian's Dovecot on the same machine,
/// in one run, with the same messages and the same client code: LMTP deliveries over C connections, APPENDs and
/// body FETCHes from K IMAP clients. The ratios are the headline figures.
/// </summary>
internal static class DovecotComparison
{
    public static async Task<Dictionary<string, double>> MeasureAsync(int count, int connections, int clients, int users, int seed)
    {
        var messages = MessageMix.Generate(count, seed);
        var figures = new Dictionary<string, double>
        {
            ["messages"] = count,
            ["average_message_bytes"] = messages.Average(m => (double)m.Length),
            ["lmtp_connections"] = connections,
            ["imap_clients"] = clients,
        };

        // Dovecot first: a private configuration on free loopback ports (tools/dovecot/start-dovecot.sh).
        var dovecotRoot = Directory.CreateTempSubdirectory("om-dovecot-").FullName;
        await File.WriteAllLinesAsync(Path.Combine(dovecotRoot, "users.passwd"), Enumerable.Range(0, users).Select(u => $"user{u}:{{PLAIN}}x::::::"));
        int dovecotImap = BenchPorts.Free(), dovecotLmtp = BenchPorts.Free();
        var script = Path.Combine(FindRepository(), "tools", "dovecot", "start-dovecot.sh");
        var start = Process.Start(new ProcessStartInfo("bash", [script, dovecotRoot, dovecotImap.ToString(System.Globalization.CultureInfo.InvariantCulture), dovecotLmtp.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true })!;
        var pid = int.Parse((await start.StandardOutput.ReadToEndAsync()).Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture);
        await start.WaitForExitAsync();
        try
        {
            Console.Error.WriteLine("measuring Dovecot...");
            await RunAsync("dovecot", dovecotLmtp, dovecotImap, messages, connections, clients, users, figures);
        }
        finally
        {
            Process.GetProcessById(pid).Kill();
        }

        var root = Directory.CreateTempSubdirectory("om-compare-").FullName;
        await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), Enumerable.Range(0, users).Select(u => $"user{u}:{{PLAIN}}x::::::"));
        int imap = BenchPorts.Free(), lmtp = BenchPorts.Free();
        await using var app = await MailHost.BuildAsync(
        [
            $"--OrleansMail:DataPath={root}",
            $"--OrleansMail:Lmtp:Endpoint=127.0.0.1:{lmtp}",
            $"--OrleansMail:Imap:Endpoint=127.0.0.1:{imap}",
            "--OrleansMail:Imap:MaxCommandsPerSecond=100000",
            $"--OrleansMail:Clustering:SiloPort={BenchPorts.Free()}",
            $"--OrleansMail:Clustering:GatewayPort={BenchPorts.Free()}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:OrleansMail=Warning",
        ]);
        await app.StartAsync();
        try
        {
            Console.Error.WriteLine("measuring OrleansMail...");
            await RunAsync("orleansmail", lmtp, imap, messages, connections, clients, users, figures);
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(root, recursive: true);
        }

        foreach (var what in new[] { "lmtp_messages_per_s", "append_per_s", "fetch_per_s" })
        {
            figures[$"{what}_orleansmail_over_dovecot"] = figures[$"orleansmail_{what}"] / figures[$"dovecot_{what}"];
        }

        return figures;
    }

    private static async Task RunAsync(string name, int lmtpPort, int imapPort, List<byte[]> messages, int connections, int clients, int users, Dictionary<string, double> figures)
    {
        var warm = messages.Take(connections * 4).ToList();
        await LmtpFigures.LmtpAsync(lmtpPort, warm, connections, users);
        var (seconds, latencies, failures) = await LmtpFigures.LmtpAsync(lmtpPort, messages, connections, users);
        figures[$"{name}_lmtp_messages_per_s"] = messages.Count / seconds;
        figures[$"{name}_lmtp_p50_ms"] = LmtpFigures.Percentile(latencies, 0.5);
        figures[$"{name}_lmtp_p99_ms"] = LmtpFigures.Percentile(latencies, 0.99);
        figures[$"{name}_lmtp_non_250"] = failures;

        // APPEND: each client appends its share into its own user's Archive-like folder (INBOX of a user of its own).
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            await using var connection = await ImapFigures.ImapConnection.OpenAsync(imapPort, $"user{c % users}");
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages.Count)
            {
                await connection.AppendAsync("INBOX", messages[i]);
            }
        }));
        figures[$"{name}_append_per_s"] = messages.Count / watch.Elapsed.TotalSeconds;

        // FETCH: each client reads random whole bodies from its user's INBOX (now full of deliveries and appends).
        var fetches = messages.Count;
        var done = -1;
        watch.Restart();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var random = new Random(c);
            await using var connection = await ImapFigures.ImapConnection.OpenAsync(imapPort, $"user{c % users}");
            await connection.CommandAsync("EXAMINE INBOX");
            while (Interlocked.Increment(ref done) < fetches)
            {
                await connection.CommandAsync($"FETCH {random.Next(1, 50)} (BODY.PEEK[])");
            }
        }));
        figures[$"{name}_fetch_per_s"] = fetches / watch.Elapsed.TotalSeconds;
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansMail.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("run the benchmark from the repository's build output");
    }

}
