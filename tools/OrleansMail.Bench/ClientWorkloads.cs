using System.Diagnostics;

namespace OrleansMail.Bench;

/// <summary>
/// The client side of the side-by-side figures, the same code for every server: LMTP deliveries over C
/// connections, APPENDs, body FETCHes and logins from K IMAP clients, then a mixed IMAP client profile (SELECT, FETCH
/// flags / envelopes / bodies, STORE, SEARCH, APPEND, EXPUNGE, IDLE) with operations/s and latency per command.
/// </summary>
internal static class ClientWorkloads
{
    // The mixed profile's commands and how often a client sends each, in percent.
    private static readonly (string Name, int Weight)[] Profile =
    [
        ("select", 5), ("fetch_flags", 10), ("fetch_envelopes", 20), ("fetch_body", 20), ("store", 15),
        ("search", 10), ("append", 10), ("expunge", 5), ("idle", 5),
    ];

    /// <summary>Every workload's name, in the order they run: what <c>remote --workloads</c> picks from.</summary>
    public static readonly string[] Workloads = ["lmtp", "append", "fetch", "logins", "mixed", "pipelined"];

    public static async Task RunAsync(MailServer server, List<byte[]> messages, int connections, int clients, int mixedOperations, Dictionary<string, double> figures, IReadOnlySet<string>? only = null)
    {
        var name = server.Name;
        bool Runs(string workload) => only is null || only.Contains(workload);
        if (Runs("lmtp"))
        {
            var warm = messages.Take(connections * 4).ToList();
            await LmtpFigures.LmtpAsync(server, warm, connections);
            var (seconds, latencies, failures) = await LmtpFigures.LmtpAsync(server, messages, connections, $"{name} lmtp");
            figures[$"{name}_lmtp_messages_per_s"] = messages.Count / seconds;
            figures[$"{name}_lmtp_p50_ms"] = LmtpFigures.Percentile(latencies, 0.5);
            figures[$"{name}_lmtp_p99_ms"] = LmtpFigures.Percentile(latencies, 0.99);
            figures[$"{name}_lmtp_non_250"] = failures;
        }

        if (Runs("append"))
        {
            await AppendAsync(server, messages, clients, figures);
        }

        if (Runs("fetch"))
        {
            await FetchAsync(server, messages, clients, figures);
        }

        if (Runs("logins"))
        {
            await LoginsAsync(server, clients, figures);
        }

        if (mixedOperations > 0 && Runs("mixed"))
        {
            await MixedAsync(server, messages, clients, mixedOperations, figures);
        }

        if (Runs("pipelined"))
        {
            await AppendPipelinedAsync(server, messages, clients, figures);
        }
    }

    private static async Task AppendAsync(MailServer server, List<byte[]> messages, int clients, Dictionary<string, double> figures)
    {
        var name = server.Name;

        // APPEND: the clients share the messages out, each into the INBOX of its own user.
        var appended = new ProgressLine($"{name} append", messages.Count);
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            await using var connection = await OpenAsync(server, c);
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages.Count)
            {
                await connection.AppendAsync("INBOX", messages[i]);
                appended.Step();
            }
        }));
        figures[$"{name}_append_per_s"] = messages.Count / watch.Elapsed.TotalSeconds;
    }

    private static async Task FetchAsync(MailServer server, List<byte[]> messages, int clients, Dictionary<string, double> figures)
    {
        var name = server.Name;

        // FETCH: random whole bodies from the INBOX, now full of deliveries and appends.
        var fetched = new ProgressLine($"{name} fetch", messages.Count);
        var done = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var random = new Random(c);
            await using var connection = await OpenAsync(server, c);
            await connection.CommandAsync("EXAMINE INBOX");
            while (Interlocked.Increment(ref done) < messages.Count)
            {
                await connection.CommandAsync($"FETCH {random.Next(1, Math.Clamp(connection.Exists + 1, 2, 50))} (BODY.PEEK[])");
                fetched.Step();
            }
        }));
        figures[$"{name}_fetch_per_s"] = messages.Count / watch.Elapsed.TotalSeconds;
    }

    private static async Task LoginsAsync(MailServer server, int clients, Dictionary<string, double> figures)
    {
        var name = server.Name;

        // Logins: connect, LOGIN, LOGOUT, as mail clients that poll do; what a password check costs shows here.
        var logins = Math.Max(200, clients * 20);
        var loggedIn = new ProgressLine($"{name} logins", logins);
        var started = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            while (Interlocked.Increment(ref started) < logins)
            {
                await using var connection = await OpenAsync(server, c);
                loggedIn.Step();
            }
        }));
        figures[$"{name}_logins_per_s"] = logins / watch.Elapsed.TotalSeconds;
    }

    private static async Task AppendPipelinedAsync(MailServer server, List<byte[]> messages, int clients, Dictionary<string, double> figures)
    {
        var name = server.Name;

        // APPEND as a migration sends it: each client's share pipelined, PipelineDepth in flight per connection.
        var piped = new ProgressLine($"{name} append pipelined", messages.Count);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            await using var connection = await OpenAsync(server, c);
            await connection.AppendPipelinedAsync("INBOX", [.. messages.Where((_, i) => i % clients == c)], PipelineDepth, piped.Step);
        }));
        figures[$"{name}_append_pipelined_per_s"] = messages.Count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>APPENDs in flight per connection in the pipelined workload: what imapsync-style migrations keep going.</summary>
    private const int PipelineDepth = 8;

    public static async Task MixedAsync(MailServer server, List<byte[]> messages, int clients, int operations, Dictionary<string, double> figures)
    {
        var name = server.Name;
        var latencies = Profile.ToDictionary(p => p.Name, _ => new List<double>());
        var progress = new ProgressLine($"{name} mixed imap", operations);
        var remaining = operations;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var random = new Random(1000 + c);
            await using var connection = await OpenAsync(server, c);
            await connection.CommandAsync("SELECT INBOX");
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var command = Pick(random);
                if (connection.Exists == 0 && command is "fetch_envelopes" or "fetch_body" or "store" or "expunge")
                {
                    command = "append";
                }

                // Sequence numbers stay within what the server has told this session, as a real client's do.
                var n = random.Next(1, Math.Max(2, connection.Exists + 1));
                var last = Math.Min(n + 19, Math.Max(1, connection.Exists));
                var timer = Stopwatch.StartNew();
                switch (command)
                {
                    case "select": await connection.CommandAsync("SELECT INBOX"); break;
                    case "fetch_flags": await connection.CommandAsync("UID FETCH 1:* (FLAGS)"); break;
                    case "fetch_envelopes": await connection.CommandAsync($"FETCH {n}:{last} (UID FLAGS ENVELOPE)"); break;
                    case "fetch_body": await connection.CommandAsync($"FETCH {n} (BODY.PEEK[])"); break;
                    case "store": await connection.CommandAsync($"STORE {n} +FLAGS.SILENT (\\Seen)"); break;
                    case "search": await connection.CommandAsync("UID SEARCH UNSEEN"); break;
                    case "append": await connection.AppendAsync("INBOX", messages[random.Next(messages.Count)]); break;
                    case "expunge":
                        await connection.CommandAsync($"STORE {n} +FLAGS.SILENT (\\Deleted)");
                        await connection.CommandAsync("EXPUNGE");
                        break;
                    default: await connection.IdleAsync(); break;
                }

                lock (latencies)
                {
                    latencies[command].Add(timer.Elapsed.TotalMilliseconds);
                }

                progress.Step();
            }
        }));
        figures[$"{name}_imap_mixed_ops_per_s"] = operations / watch.Elapsed.TotalSeconds;
        foreach (var (command, values) in latencies.Where(l => l.Value.Count > 0))
        {
            figures[$"{name}_imap_{command}_p50_ms"] = LmtpFigures.Percentile(values, 0.5);
            figures[$"{name}_imap_{command}_p99_ms"] = LmtpFigures.Percentile(values, 0.99);
        }
    }

    private static string Pick(Random random)
    {
        var roll = random.Next(Profile.Sum(p => p.Weight));
        foreach (var (command, weight) in Profile)
        {
            if ((roll -= weight) < 0)
            {
                return command;
            }
        }

        return Profile[^1].Name;
    }

    private static Task<ImapFigures.ImapConnection> OpenAsync(MailServer server, int client) =>
        ImapFigures.ImapConnection.OpenAsync(server.Host, server.ImapPort, server.User(client), server.Password);
}
