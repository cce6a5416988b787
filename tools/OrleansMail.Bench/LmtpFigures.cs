using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Testing;

namespace OrleansMail.Bench;

/// <summary>
/// LMTP delivery rate of the real silo host against its baseline measured in the same run: the same bodies
/// written straight to the same object store with the same calls and the same concurrency.
/// </summary>
internal static class LmtpFigures
{
    public static async Task<Dictionary<string, double>> MeasureAsync(int count, int connections, int users, string? azure, int seed, TimeSpan latency = default)
    {
        var root = Directory.CreateTempSubdirectory("om-lmtp-").FullName;
        var messages = MessageMix.Generate(count, seed);
        var passwd = Path.Combine(root, "users.passwd");
        await File.WriteAllLinesAsync(passwd, Enumerable.Range(0, users).Select(u => $"user{u}:{{PLAIN}}x::::::"));
        var settings = new List<string> { "--OrleansMail:Imap:Endpoint=" };
        var raw = await BenchStore.CreateAsync(azure, root, settings);

        // The latency goes on the server's store and on the baseline's alike, so their ratio stays meaningful.
        raw = new FaultInjectingObjectStore(raw, new FaultPlan(seed) { Latency = latency });
        await using var app = await BenchHost.StartAsync(root, raw, settings);
        try
        {
            // Warm both paths (JIT, grain activations, connections) before measuring.
            await RawAsync(raw, messages.Take(connections * 4).ToList(), connections, "warm");
            var server = new MailServer("orleansmail", "127.0.0.1", app.LmtpPort, 0, Users: users);
            await LmtpAsync(server, messages.Take(connections * 4).ToList(), connections);

            var (rawSeconds, rawLatencies) = await RawAsync(raw, messages, connections, "raw");
            var (lmtpSeconds, lmtpLatencies, failures) = await LmtpAsync(server, messages, connections, "lmtp");
            var bytes = messages.Sum(m => (long)m.Length);
            return new Dictionary<string, double>
            {
                ["messages"] = count,
                ["connections"] = connections,
                ["users"] = users,
                ["average_message_bytes"] = bytes / (double)count,
                ["raw_store_messages_per_s"] = count / rawSeconds,
                ["raw_store_p50_ms"] = Percentile(rawLatencies, 0.50),
                ["raw_store_p99_ms"] = Percentile(rawLatencies, 0.99),
                ["lmtp_messages_per_s"] = count / lmtpSeconds,
                ["lmtp_p50_ms"] = Percentile(lmtpLatencies, 0.50),
                ["lmtp_p99_ms"] = Percentile(lmtpLatencies, 0.99),
                ["lmtp_over_raw_store"] = rawSeconds / lmtpSeconds,
                ["lmtp_non_250_replies"] = failures,
                ["latency_ms"] = latency.TotalMilliseconds,
            };
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(double Seconds, List<double> Latencies)> RawAsync(IObjectStore store, List<byte[]> messages, int concurrency, string prefix)
    {
        var latencies = new List<double>();
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages.Count)
            {
                var watch = Stopwatch.StartNew();
                var metadata = new Dictionary<string, string> { ["mailbox"] = Guid.NewGuid().ToString("N"), ["flags"] = "0", ["size"] = messages[i].Length.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                await store.CreateAsync($"{prefix}/{Guid.CreateVersion7():N}", messages[i], metadata);
                lock (latencies)
                {
                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
        }));
        return (total.Elapsed.TotalSeconds, latencies);
    }

    internal static async Task<(double Seconds, List<double> Latencies, int Failures)> LmtpAsync(MailServer server, List<byte[]> messages, int connections, string? progress = null)
    {
        var latencies = new List<double>();
        var failures = 0;
        var next = -1;
        var shown = progress is null ? null : new ProgressLine(progress, messages.Count);
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            using var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync(server.Host, server.LmtpPort);
            var stream = tcp.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            await reader.ReadLineAsync();
            await stream.WriteAsync("LHLO bench\r\n"u8.ToArray());
            while ((await reader.ReadLineAsync())?[3] == '-')
            {
            }

            int i;
            while ((i = Interlocked.Increment(ref next)) < messages.Count)
            {
                var watch = Stopwatch.StartNew();
                var envelope = $"MAIL FROM:<bench@remote.example>\r\nRCPT TO:<{server.Recipient(i)}>\r\nDATA\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(envelope));
                for (var r = 0; r < 3; r++)
                {
                    await reader.ReadLineAsync();
                }

                await stream.WriteAsync(DotStuff(messages[i]));
                var reply = await reader.ReadLineAsync();
                if (reply is null || !reply.StartsWith("250", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref failures);
                }

                lock (latencies)
                {
                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                }

                shown?.Step();
            }

            await stream.WriteAsync("QUIT\r\n"u8.ToArray());
        }));
        return (total.Elapsed.TotalSeconds, latencies, failures);
    }

    private static byte[] DotStuff(byte[] message)
    {
        using var ms = new MemoryStream(message.Length + 16);
        var lineStart = true;
        foreach (var b in message)
        {
            if (lineStart && b == '.')
            {
                ms.WriteByte((byte)'.');
            }

            ms.WriteByte(b);
            lineStart = b == '\n';
        }

        if (!lineStart)
        {
            ms.Write("\r\n"u8);
        }

        ms.Write(".\r\n"u8);
        return ms.ToArray();
    }

    internal static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
    }

}
