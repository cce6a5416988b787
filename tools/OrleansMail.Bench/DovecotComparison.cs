using System.Diagnostics;

namespace OrleansMail.Bench;

/// <summary>
/// OrleansMail (the embedded default: file-system store, one silo) next to Debian's Dovecot on the same machine,
/// tuned (mdbox, processes kept alive and pre-forked) and in its default Maildir layout, in one run, with the same
/// messages and the same client code: LMTP deliveries over C connections, APPENDs and body FETCHes from K IMAP
/// clients. The ratios to tuned Dovecot are the headline figures.
/// </summary>
internal static class DovecotComparison
{
    private static readonly string[] ComparedFigures = ["lmtp_messages_per_s", "append_per_s", "fetch_per_s", "imap_mixed_ops_per_s"];

    public static async Task<Dictionary<string, double>> MeasureAsync(int count, int connections, int clients, int users, int mixed, int seed)
    {
        var messages = MessageMix.Generate(count, seed);
        var figures = new Dictionary<string, double>
        {
            ["messages"] = count,
            ["average_message_bytes"] = messages.Average(m => (double)m.Length),
            ["lmtp_connections"] = connections,
            ["imap_clients"] = clients,
        };

        // Dovecot first, tuned (mdbox), then in its default layout (Maildir), each with a private configuration on
        // free loopback ports (tools/dovecot/start-dovecot.sh): the first is the reference, the second a second row.
        foreach (var (format, label) in new[] { ("mdbox", "dovecot"), ("maildir", "dovecot_maildir") })
        {
            await MeasureDovecotAsync(format, label, messages, connections, clients, users, mixed, figures);
        }

        var root = Directory.CreateTempSubdirectory("om-compare-").FullName;
        await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), Enumerable.Range(0, users).Select(u => $"user{u}:{{PLAIN}}x::::::"));
        await using var app = await BenchHost.StartAsync(root, null);
        try
        {
            Console.Error.WriteLine("measuring OrleansMail...");
            await ClientWorkloads.RunAsync(new MailServer("orleansmail", "127.0.0.1", app.LmtpPort, app.ImapPort, Users: users), messages, connections, clients, mixed, figures);
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(root, recursive: true);
        }

        foreach (var what in ComparedFigures.Where(w => figures.ContainsKey("dovecot_" + w)))
        {
            figures[$"{what}_orleansmail_over_dovecot"] = figures[$"orleansmail_{what}"] / figures[$"dovecot_{what}"];
            figures[$"{what}_orleansmail_over_dovecot_maildir"] = figures[$"orleansmail_{what}"] / figures[$"dovecot_maildir_{what}"];
        }

        return figures;
    }

    private static async Task MeasureDovecotAsync(string format, string label, List<byte[]> messages, int connections, int clients, int users, int mixed, Dictionary<string, double> figures)
    {
        var dovecotRoot = Directory.CreateTempSubdirectory("om-dovecot-").FullName;
        await File.WriteAllLinesAsync(Path.Combine(dovecotRoot, "users.passwd"), Enumerable.Range(0, users).Select(u => $"user{u}:{{PLAIN}}x::::::"));
        int dovecotImap = BenchPorts.Free(), dovecotLmtp = BenchPorts.Free();
        var script = Path.Combine(FindRepository(), "tools", "dovecot", "start-dovecot.sh");
        var start = Process.Start(new ProcessStartInfo("bash", [script, dovecotRoot, dovecotImap.ToString(System.Globalization.CultureInfo.InvariantCulture), dovecotLmtp.ToString(System.Globalization.CultureInfo.InvariantCulture), format]) { RedirectStandardOutput = true })!;
        var pid = int.Parse((await start.StandardOutput.ReadToEndAsync()).Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture);
        await start.WaitForExitAsync();
        try
        {
            Console.Error.WriteLine($"measuring Dovecot ({format})...");
            await ClientWorkloads.RunAsync(new MailServer(label, "127.0.0.1", dovecotLmtp, dovecotImap, Users: users), messages, connections, clients, mixed, figures);
        }
        finally
        {
            Process.GetProcessById(pid).Kill();
        }
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
