using System.Collections.Concurrent;
using System.Text;
using OrleansMail.Grains.Contracts;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.ObjectStore.Testing;
using OrleansMail.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// A slow and flaky store under LMTP and IMAP load: 5 % of calls fail, 2 % fail after writing, every call is slow
/// and jittery. The clients retry what they are told to retry. Afterwards the index is consistent with the store:
/// no indexed message lacks its body, every stored body is indexed once recovery has run, and every acknowledged
/// message is there.
/// </summary>
public sealed class FlakyStoreTests(ITestOutputHelper output)
{
    private const int Users = 2;

    [Fact]
    public async Task A_long_run_on_a_flaky_store_ends_with_a_consistent_index()
    {
        using var folder = new TempFolder();
        File.WriteAllLines(Path.Combine(folder.Path, "users.passwd"), Enumerable.Range(0, Users).Select(u => $"user{u}:{{PLAIN}}secret::::::"));
        var plan = new FaultPlan(seed: 2026) { Latency = TimeSpan.FromMilliseconds(2), Jitter = TimeSpan.FromMilliseconds(8) };
        var store = new FileSystemObjectStore(Path.Combine(folder.Path, "store"));
        var app = await TestMailHost.StartAsync(
            folder.Path,
            [
                "--OrleansMail:Store:CheckpointInterval=00:00:01",
                "--OrleansMail:BodyCache:MaxCachedBody=0",
                "--Logging:LogLevel:OrleansMail=Error",
            ],
            new FaultInjectingObjectStore(store, plan));
        int imapPort = app.ImapPort, lmtpPort = app.LmtpPort;
        try
        {
            plan.FailureRate = 0.05;
            plan.FailAfterWriteRate = 0.02;
            var acknowledged = new ConcurrentBag<(int User, string Id)>();
            var retries = 0;
            var lmtp = Enumerable.Range(0, 2).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; i < 120; i++)
                {
                    var user = (worker + i) % Users;
                    var id = $"f{worker}-{i}@flaky.test";
                    for (var attempt = 0; ; attempt++)
                    {
                        Assert.True(attempt < 50, $"{id} was never accepted");
                        var reply = await LmtpDelivery.TryDeliverAsync(lmtpPort, $"user{user}@localhost", id);
                        Assert.False(reply.StartsWith('5'), $"a permanent failure for a temporary problem: {reply}");
                        if (reply.StartsWith("250", StringComparison.Ordinal))
                        {
                            acknowledged.Add((user, id));
                            break;
                        }

                        Interlocked.Increment(ref retries);
                        await Task.Delay(20);
                    }
                }
            })).ToList();

            // Meanwhile each user's client marks, deletes and expunges, retrying what comes back NO [UNAVAILABLE].
            var imap = Enumerable.Range(0, Users).Select(user => Task.Run(async () =>
            {
                await using var t = new ImapTranscript();
                await t.ConnectAsync(imapPort);
                await t.CommandAsync("a0", $"LOGIN user{user} secret");
                var random = new Random(user);
                for (var i = 0; !lmtp.All(l => l.IsCompleted); i++)
                {
                    var command = (i % 4) switch
                    {
                        0 => "SELECT INBOX",
                        1 => $"STORE {random.Next(1, 5)}:{random.Next(5, 9)} +FLAGS.SILENT (\\Seen)",
                        2 => $"STORE {random.Next(1, 20)} +FLAGS.SILENT (\\Deleted)",
                        _ => "EXPUNGE",
                    };
                    var tagged = (await t.CommandAsync($"c{i}", command))[^1];
                    Assert.True(tagged.StartsWith($"c{i} OK", StringComparison.Ordinal) || tagged.StartsWith($"c{i} NO [UNAVAILABLE]", StringComparison.Ordinal) || tagged.Contains("BAD Invalid message sequence number", StringComparison.Ordinal) || tagged.Contains("not valid in this state", StringComparison.Ordinal),
                        $"unexpected answer: {tagged}");
                    await Task.Delay(30);
                }
            })).ToList();
            await Task.WhenAll(lmtp.Concat(imap));

            // The store heals; recovery indexes bodies whose save answered 451, then the index and the store agree.
            plan.FailureRate = 0;
            plan.FailAfterWriteRate = 0;
            var grains = app.Grains;
            var expunged = 0;
            for (var u = 0; u < Users; u++)
            {
                var grain = grains.GetGrain<IUserGrain>($"user{u}");
                await grain.RecoverNowAsync();
                await grain.CheckpointAsync();
                var report = await grain.VerifyAsync();
                Assert.Empty(report.MissingBodies);
                Assert.Empty(report.UnindexedBodies);
                output.WriteLine($"user{u}: {report.Records} records, {report.Bodies} bodies, {report.TombstonedBodies.Length} tombstoned");
                expunged += report.TombstonedBodies.Length;

                // Every acknowledged message is either there or was expunged by the client.
                await using var t = new ImapTranscript();
                await t.ConnectAsync(imapPort);
                await t.CommandAsync("a0", $"LOGIN user{u} secret");
                await t.CommandAsync("a1", "SELECT INBOX");
                await t.SendAsync("a2 UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])\r\n");
                var found = string.Join('\n', await t.ResponsesUntilTaggedAsync("a2"));
                var absent = acknowledged.Where(a => a.User == u && !found.Contains($"<{a.Id}>", StringComparison.Ordinal)).ToList();
                Assert.True(absent.Count <= report.TombstonedBodies.Length, $"{absent.Count} acknowledged messages gone, only {report.TombstonedBodies.Length} expunged");
            }

            output.WriteLine($"{acknowledged.Count} acknowledged after {retries} retried deliveries; {expunged} bodies expunged by the clients");
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
