using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrleansMail.Grains.Contracts;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.ObjectStore.Testing;

namespace OrleansMail.Bench;

/// <summary>
/// What the full-text index buys and costs, in one run on the real host: SEARCH BODY and SEARCH TEXT for a rare
/// word in a large mailbox, answered by the index against reading every message (the same data, the index turned
/// off by OrleansMail:Imap:UseFullTextIndex), with and without injected store latency; LMTP ingest with the index
/// against without, in alternating passes; and the index's bytes per message.
/// </summary>
internal static class FullTextFigures
{
    private const string User = "user0";
    private const string RareWord = "kumquat";
    private const string HeaderWord = "zeppelin";

    public static async Task<Dictionary<string, double>> MeasureAsync(int messages, int ingestCount, int connections, int seed, double latencyMs)
    {
        var figures = new Dictionary<string, double> { ["messages"] = messages, ["latency_ms"] = latencyMs };
        await IngestAsync(figures, ingestCount, connections, seed);
        await SearchAsync(figures, messages, seed, TimeSpan.FromMilliseconds(latencyMs));
        return figures;
    }

    private static async Task IngestAsync(Dictionary<string, double> figures, int count, int connections, int seed)
    {
        var mix = MessageMix.Generate(count, seed);
        var rates = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        for (var pass = 0; pass < 4; pass++)
        {
            foreach (var indexed in pass % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var root = Directory.CreateTempSubdirectory("om-fts-ingest-").FullName;
                try
                {
                    var server = new MailServer(indexed ? "indexed" : "plain", "127.0.0.1", 0, 0);
                    await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), server.PasswdLines());
                    await using var app = await BenchHost.StartAsync(root, null, $"--OrleansMail:FullText:Enabled={indexed}");
                    server = server with { LmtpPort = app.LmtpPort };
                    await LmtpFigures.LmtpAsync(server, [.. mix.Take(connections * 4)], connections);
                    var (seconds, _, failures) = await LmtpFigures.LmtpAsync(server, mix, connections, $"{server.Name} lmtp");
                    if (failures > 0)
                    {
                        throw new InvalidOperationException($"{failures} deliveries failed");
                    }

                    rates[indexed].Add(count / seconds);
                    await app.StopAsync();
                }
                finally
                {
                    Directory.Delete(root, recursive: true);
                }
            }
        }

        figures["lmtp_indexed_per_s"] = LmtpFigures.Percentile(rates[true], 0.5);
        figures["lmtp_not_indexed_per_s"] = LmtpFigures.Percentile(rates[false], 0.5);
        figures["lmtp_indexed_over_not_indexed"] = figures["lmtp_indexed_per_s"] / figures["lmtp_not_indexed_per_s"];
    }

    private static async Task SearchAsync(Dictionary<string, double> figures, int messages, int seed, TimeSpan latency)
    {
        var root = Directory.CreateTempSubdirectory("om-fts-search-").FullName;
        try
        {
            await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), [$"{User}:{{PLAIN}}x::::::"]);
            var plan = new FaultPlan(seed);
            var store = new FaultInjectingObjectStore(new FileSystemObjectStore(Path.Combine(root, "store")), plan);

            // A mailbox this size is past any body cache a silo gives one user: the scan reads the store.
            string[] common = ["--OrleansMail:BodyCache:MaxBytes=16777216"];
            await using (var app = await BenchHost.StartAsync(root, store, common))
            {
                await FillAsync(app, messages, seed);
                var grain = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(User);
                var status = await WaitIndexedAsync(grain, messages);
                await grain.DeactivateAsync();
                status = await WaitIndexedAsync(grain, messages);
                figures["index_bytes_per_message"] = (double)status.Bytes / status.Indexed;
                long uploaded = 0;
                await foreach (var entry in store.ListAllAsync(UserObjectNames.For(User).FullTextPrefix))
                {
                    uploaded += entry.Size;
                }

                figures["index_uploaded_bytes_per_message"] = (double)uploaded / messages;
                await TimeSearchesAsync(figures, app, plan, "indexed", TimeSpan.Zero);
                await TimeSearchesAsync(figures, app, plan, "indexed", latency);

                // A graceful stop: the user checkpoints and releases its lease for the next host on the same data.
                await app.StopAsync();
            }

            plan.Latency = TimeSpan.Zero;
            await using (var app = await BenchHost.StartAsync(root, store, [.. common, "--OrleansMail:Imap:UseFullTextIndex=false"]))
            {
                await TimeSearchesAsync(figures, app, plan, "scan", TimeSpan.Zero);
                await TimeSearchesAsync(figures, app, plan, "scan", latency);
            }

            foreach (var key in new[] { "body", "text" })
            {
                foreach (var ms in new[] { 0, (int)latency.TotalMilliseconds })
                {
                    figures[$"search_{key}_{ms}ms_scan_over_indexed"] = figures[$"search_{key}_{ms}ms_scan_s"] / figures[$"search_{key}_{ms}ms_indexed_s"];
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task TimeSearchesAsync(Dictionary<string, double> figures, BenchHost app, FaultPlan plan, string mode, TimeSpan latency)
    {
        await using var imap = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, User);
        await imap.CommandAsync("SELECT INBOX");
        plan.Latency = latency;
        foreach (var (key, command, expected) in new[] { ("body", $"SEARCH BODY {RareWord}", 1 + ((Count - 1) / 1000)), ("text", $"SEARCH TEXT {HeaderWord}", 1 + ((Count - 1) / 500)) })
        {
            imap.Keep = true;
            imap.Kept.Clear();
            var clock = Stopwatch.StartNew();
            await imap.CommandAsync(command);
            var seconds = clock.Elapsed.TotalSeconds;
            imap.Keep = false;
            var found = imap.Kept.First(l => l.StartsWith("* SEARCH", StringComparison.Ordinal)).Split(' ').Length - 2;
            if (found != expected)
            {
                throw new InvalidOperationException($"{mode} {command} found {found} messages, {expected} expected");
            }

            figures[$"search_{key}_{(int)latency.TotalMilliseconds}ms_{mode}_s"] = seconds;
            Console.Error.WriteLine($"{mode} {command} at {latency.TotalMilliseconds} ms: {seconds:F2} s");
        }

        plan.Latency = TimeSpan.Zero;
    }

    private static int Count { get; set; }

    private static async Task FillAsync(BenchHost app, int messages, int seed)
    {
        Count = messages;
        var ingest = app.Services.GetRequiredService<MessageIngest>();
        var next = -1;
        var progress = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages)
            {
                await using var received = await ingest.ReceiveAsync(new MemoryStream(Message(i, seed)));
                await ingest.DeliverAsync(received, new DeliveryTarget(User));
                if (i % 10_000 == 0)
                {
                    Console.Error.WriteLine($"filled {i} in {progress.Elapsed.TotalSeconds:F0} s");
                }
            }
        }));
    }

    private static async Task<FullTextStatus> WaitIndexedAsync(IUserGrain grain, int messages)
    {
        while (true)
        {
            try
            {
                var status = await grain.GetFullTextStatusAsync();
                if (status.Indexed >= messages && status.Waiting == 0)
                {
                    return status;
                }
            }
            catch (Errors.MailStoreException)
            {
                // Activating again after the deactivation: retry.
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A plain-text message of about 3 KB of common words; every 1,000th has the rare word in its body, every 500th the header word.</summary>
    private static byte[] Message(int i, int seed)
    {
        var random = new Random(seed * 1_000_003 + i);
        string[] words = ["the", "meeting", "report", "budget", "schedule", "project", "review", "customer", "invoice", "release", "plan", "status", "update", "team", "quarter", "numbers", "draft", "notes", "agenda", "travel"];
        var text = new StringBuilder(3200);
        while (text.Length < 3000)
        {
            text.Append(words[random.Next(words.Length)]).Append(text.Length % 72 < 8 ? "\r\n" : " ");
        }

        if (i % 1000 == 0)
        {
            text.Append("\r\nA note about the ").Append(RareWord).Append(" delivery.\r\n");
        }

        var header = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"From: Sender {random.Next(100)} <sender{random.Next(100)}@remote.example>\r\n")
            .Append("To: User <user0@example.org>\r\n")
            .Append(CultureInfo.InvariantCulture, $"Subject: {words[random.Next(words.Length)]} {words[random.Next(words.Length)]} {i}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Message-ID: <fts-{seed}-{i}@bench.example>\r\n")
            .Append("Date: Mon, 30 Nov 2026 10:00:00 +0000\r\n");
        if (i % 500 == 0)
        {
            header.Append("X-Project: ").Append(HeaderWord).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(header.Append("\r\n").Append(text).ToString());
    }
}
