using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using OrleansMail.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// The store goes away under LMTP and IMAP load and comes back 10 s later: meanwhile LMTP answers 451 and IMAP
/// NO [UNAVAILABLE] (never a 5xx, a BAD or a dropped connection); afterwards service resumes without restarting the
/// silo, and every message that got a 250 is there.
/// </summary>
public sealed partial class StoreOutageTests(ITestOutputHelper output)
{
    private const int Users = 3;

    [Fact]
    public async Task A_store_outage_is_451_and_NO_UNAVAILABLE_and_nothing_acknowledged_is_lost()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        using var folder = new TempFolder();
        File.WriteAllLines(Path.Combine(folder.Path, "users.passwd"), Enumerable.Range(0, Users).Select(u => $"user{u}:{{PLAIN}}secret::::::"));
        var app = await TestMailHost.StartAsync(
            folder.Path,
            [
                "--OrleansMail:Storage:Provider=AzureBlob",
                $"--OrleansMail:Storage:ConnectionString={azurite.ConnectionString}",
                $"--OrleansMail:Storage:Container=outage{Guid.NewGuid():N}"[..60],
                "--OrleansMail:BodyCache:MaxCachedBody=0",
                "--Logging:LogLevel:OrleansMail=Error",
            ]);
        int imapPort = app.ImapPort, lmtpPort = app.LmtpPort;
        try
        {
            var acknowledged = new ConcurrentBag<(int User, string Id)>();
            var replies = new ConcurrentDictionary<string, int>();
            var imapAnswers = new ConcurrentDictionary<string, int>();
            using var stop = new CancellationTokenSource();
            var outage = false;
            var sawOutageLmtp = 0;
            var sawOutageImap = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var timeline = new ConcurrentQueue<string>();

            var lmtp = Enumerable.Range(0, 2).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var user = (worker + i) % Users;
                    var id = $"w{worker}-{i}@outage.test";
                    var started = clock.Elapsed.TotalSeconds;
                    var reply = await LmtpDelivery.TryDeliverAsync(lmtpPort, $"user{user}@localhost", id);
                    timeline.Enqueue($"{started:0.0}-{clock.Elapsed.TotalSeconds:0.0} {reply[..Math.Min(3, reply.Length)]}");
                    replies.AddOrUpdate(reply[..Math.Min(3, reply.Length)], 1, (_, n) => n + 1);
                    Assert.False(reply.StartsWith('5'), $"a permanent failure for a temporary problem: {reply}");
                    if (reply.StartsWith("250", StringComparison.Ordinal))
                    {
                        acknowledged.Add((user, id));
                    }
                    else if (outage)
                    {
                        Interlocked.Increment(ref sawOutageLmtp);
                    }

                    await Task.Delay(50);
                }
            })).ToList();

            var imap = Enumerable.Range(0, Users).Select(user => Task.Run(async () =>
            {
                await using var t = new ImapTranscript();
                await t.ConnectAsync(imapPort);
                await t.CommandAsync("a0", $"LOGIN user{user} secret");
                await t.CommandAsync("a1", "SELECT INBOX");
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var tagged = (await t.CommandAsync($"f{i}", i % 2 == 0 ? "FETCH 1:* (UID FLAGS)" : "FETCH * BODY.PEEK[TEXT]"))[^1];
                    var status = Regex.Match(tagged, @"^\S+ (OK|NO \[[A-Z]+\]|NO|BAD)").Groups[1].Value;
                    imapAnswers.AddOrUpdate(status, 1, (_, n) => n + 1);
                    Assert.True(status is "OK" or "NO [UNAVAILABLE]", $"unexpected IMAP answer: {tagged}");
                    if (status != "OK" && outage)
                    {
                        Interlocked.Increment(ref sawOutageImap);
                    }

                    await Task.Delay(100);
                }
            })).ToList();

            await Task.Delay(TimeSpan.FromSeconds(3));
            outage = true;
            timeline.Enqueue($"stop at {clock.Elapsed.TotalSeconds:0.0}");
            await azurite.StopAsync();
            timeline.Enqueue($"stopped at {clock.Elapsed.TotalSeconds:0.0}");
            await Task.Delay(TimeSpan.FromSeconds(10));
            await azurite.RestartAsync();
            timeline.Enqueue($"restarted at {clock.Elapsed.TotalSeconds:0.0}");
            outage = false;
            var before = acknowledged.Count;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (acknowledged.Count < before + 10 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }

            await stop.CancelAsync();
            await Task.WhenAll(lmtp.Concat(imap));
            output.WriteLine(string.Join(" | ", timeline));
            output.WriteLine($"LMTP replies {string.Join(", ", replies.Select(r => $"{r.Key}: {r.Value}"))}; IMAP answers {string.Join(", ", imapAnswers.Select(r => $"{r.Key}: {r.Value}"))}");
            Assert.True(acknowledged.Count >= before + 10, "delivery did not resume after the store came back");
            Assert.True(sawOutageLmtp > 0, "LMTP never noticed the outage");
            Assert.True(sawOutageImap > 0, "IMAP never noticed the outage");

            // Every acknowledged message is there, read back over IMAP.
            for (var user = 0; user < Users; user++)
            {
                await using var t = new ImapTranscript();
                await t.ConnectAsync(imapPort);
                await t.CommandAsync("a0", $"LOGIN user{user} secret");
                await t.CommandAsync("a1", "SELECT INBOX");
                await t.SendAsync("a3 UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])\r\n");
                var found = string.Join('\n', await t.ResponsesUntilTaggedAsync("a3"));
                foreach (var (u, id) in acknowledged.Where(a => a.User == user))
                {
                    Assert.Contains($"<{id}>", found);
                }
            }
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
