using System.Globalization;
using System.Text.RegularExpressions;
using OrleansMail.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrleansMail.SiloHost.Tests;

/// <summary>
/// A silo under steady mixed load holds steady memory: once its caches are full, what it keeps does not grow with
/// the mail that passes through. Small budgets make them fill in seconds, so a leak shows against them.
/// </summary>
[Collection(Name)]
public sealed partial class SoakTests(ITestOutputHelper output)
{
    /// <summary>The heap is the process's: other tests' hosts starting beside it would be counted as growth.</summary>
    public const string Name = "Soak, alone";

    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(70);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(2);
    private const int Users = 20;

    [Fact]
    public async Task The_heap_after_a_full_collection_levels_off_while_mail_keeps_flowing()
    {
        using var folder = new TempFolder();
        var passwd = Path.Combine(folder.Path, "users.passwd");
        await File.WriteAllLinesAsync(passwd, Enumerable.Range(0, Users).Select(u => $"soak{u}:{{PLAIN}}x::::::"));
        await using var host = await TestMailHost.StartAsync(Path.Combine(folder.Path, "data"),
        [
            $"--OrleansMail:Accounts:PasswdFile={passwd}",
            "--OrleansMail:Imap:MaxCommandsPerSecond=100000",
            "--OrleansMail:BodyCache:MaxBytes=4194304",
            "--OrleansMail:BodyCache:MaxCachedBody=1048576",
            "--OrleansMail:Memory:SummaryCacheBytes=2097152",
            "--OrleansMail:Store:SummaryCacheBytesPerUser=65536",
            "--OrleansMail:Store:SummaryBatchBytes=16384",

            // Summaries wait in memory for the next checkpoint, so the heap saws with the checkpoint's period and an
            // amplitude of its deliveries (about 8 MiB at 30 s on a fast machine): over a 70 s window a trend line
            // through two teeth leans with their phase. Short periods leave only what does not go away.
            "--OrleansMail:Store:CheckpointInterval=00:00:05",
        ]);

        using var stop = new CancellationTokenSource(Duration);
        var counts = new long[2];
        var load = Enumerable.Range(0, 2).Select(c => DeliverUntilAsync(host.LmtpPort, c, counts, stop.Token))
            .Concat(Enumerable.Range(0, 4).Select(c => ImapClientUntilAsync(host.ImapPort, c, counts, stop.Token)))
            .ToList();

        var samples = new List<(TimeSpan At, long Heap)>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(SampleEvery);
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            samples.Add((watch.Elapsed, GC.GetTotalMemory(forceFullCollection: true)));
        }

        await Task.WhenAll(load);
        foreach (var (at, heap) in samples)
        {
            output.WriteLine($"{at.TotalSeconds,5:0}s  heap {heap / 1024.0 / 1024:0.0} MiB");
        }

        output.WriteLine($"delivered {counts[0]}, IMAP commands {counts[1]}");
        Assert.True(counts[0] > 200 && counts[1] > 1000, $"too little load to judge: {counts[0]} deliveries, {counts[1]} commands");

        // The first fifth fills the caches. After it, the least-squares trend of the heap across the rest may not rise
        // by more than 8% of its mean: the file-system store's lock table, which kept an entry per object ever
        // written, rose by 13 MiB on a 68 MiB mean here; with it gone the trend is flat to within 1 MiB.
        var settled = samples.Skip(samples.Count / 5).ToList();
        var (slope, mean) = Trend(settled);
        var rise = slope * (settled[^1].At - settled[0].At).TotalSeconds;
        output.WriteLine($"trend {rise / 1024 / 1024:0.0} MiB across the settled window, mean {mean / 1024 / 1024:0.0} MiB");
        Assert.True(rise <= mean * 0.08, $"the heap rose by {rise / 1024 / 1024:0.0} MiB (mean {mean / 1024 / 1024:0.0} MiB) while the load stayed the same");
    }

    /// <summary>Bytes per second of the least-squares line through the samples, and their mean.</summary>
    private static (double Slope, double Mean) Trend(List<(TimeSpan At, long Heap)> samples)
    {
        var meanAt = samples.Average(s => s.At.TotalSeconds);
        var mean = samples.Average(s => (double)s.Heap);
        var covariance = samples.Sum(s => (s.At.TotalSeconds - meanAt) * (s.Heap - mean));
        var variance = samples.Sum(s => Math.Pow(s.At.TotalSeconds - meanAt, 2));
        return (covariance / variance, mean);
    }

    private static async Task DeliverUntilAsync(int port, int connection, long[] counts, CancellationToken stop)
    {
        var random = new Random(connection);
        while (!stop.IsCancellationRequested)
        {
            var user = random.Next(Users);
            var body = string.Concat(Enumerable.Repeat("Soak line of text that stands for a message body.\r\n", random.Next(5, 400)));
            var reply = await LmtpDelivery.DeliverMessageAsync(port, $"soak{user}@localhost", $"Subject: soak {random.Next()}\r\nFrom: <s{random.Next(1000)}@example.org>\r\nMessage-ID: <{Guid.NewGuid():N}@soak>\r\n\r\n{body}");
            Assert.StartsWith("250", reply);
            Interlocked.Increment(ref counts[0]);
        }
    }

    /// <summary>Logs in as a random user, runs a mixed batch (SELECT, FETCH, STORE, SEARCH, APPEND, EXPUNGE down to 40 messages), logs out.</summary>
    private static async Task ImapClientUntilAsync(int port, int client, long[] counts, CancellationToken stop)
    {
        var random = new Random(100 + client);
        var tag = 0;
        while (!stop.IsCancellationRequested)
        {
            await using var imap = new ImapTranscript();
            await imap.ConnectAsync(port);
            var exists = 0;
            async Task Run(string command)
            {
                Interlocked.Increment(ref counts[1]);
                var t = "t" + (++tag).ToString(CultureInfo.InvariantCulture);
                await imap.SendAsync($"{t} {command}\r\n");
                var lines = await imap.ResponsesUntilTaggedAsync(t);
                Assert.StartsWith(t + " OK", lines[^1]);

                // Other sessions of the user expunge too: the count is what this session has been told.
                foreach (var line in lines)
                {
                    if (Exists().Match(line) is { Success: true } match)
                    {
                        exists = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    }
                    else if (line.StartsWith("* ", StringComparison.Ordinal) && line.EndsWith(" EXPUNGE", StringComparison.Ordinal))
                    {
                        exists--;
                    }
                }
            }

            await Run($"LOGIN soak{random.Next(Users)} x");
            await Run("SELECT INBOX");
            for (var i = 0; i < 20 && !stop.IsCancellationRequested; i++)
            {
                var n = random.Next(1, Math.Max(2, exists + 1));
                switch (exists == 0 ? 5 : random.Next(6))
                {
                    case 0: await Run($"FETCH {n}:{Math.Max(n, Math.Min(exists, n + 19))} (UID FLAGS ENVELOPE BODYSTRUCTURE)"); break;
                    case 1: await Run($"FETCH {n} (BODY.PEEK[])"); break;
                    case 2: await Run($"STORE {n} +FLAGS.SILENT (\\Seen $soak{random.Next(4)})"); break;
                    case 3: await Run("UID SEARCH UNSEEN SUBJECT soak"); break;
                    case 4: await Run("UID FETCH 1:* (FLAGS)"); break;
                    default:
                        const string appended = "Subject: appended\r\n\r\nAppended by a client.\r\n";
                        await imap.SendAsync($"a APPEND INBOX {{{appended.Length}+}}\r\n{appended}\r\n");
                        var lines = await imap.UntilTaggedAsync("a");
                        Assert.StartsWith("a OK", lines[^1]);
                        exists = lines.Select(l => Exists().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(exists).Last();
                        Interlocked.Increment(ref counts[1]);
                        break;
                }

                if (exists > 40 && i % 5 == 4)
                {
                    await Run($"STORE 1:{exists - 40} +FLAGS.SILENT (\\Deleted)");
                    await Run("EXPUNGE");
                }

                await Run("NOOP");
            }

            await Run("LOGOUT");
        }
    }

    [GeneratedRegex(@"^\* (\d+) EXISTS$")]
    private static partial Regex Exists();
}

/// <summary>Runs the soak with no other test class at the same time.</summary>
[CollectionDefinition(SoakTests.Name, DisableParallelization = true)]
public sealed class SoakCollection;
