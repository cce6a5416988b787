using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.ObjectStore.Azure;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.ObjectStore.Leases;
using OrleansMail.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrleansMail.SiloHost.Tests;

/// <summary>
/// Node failures with real silo-host processes on Azurite, each ending in a merge that clients can see. A zombie:
/// two independent single-silo clusters share one storage account; the first is frozen with SIGSTOP while serving
/// a user, past its lease; the second takes the user over and works on it; the first is resumed with SIGCONT,
/// acknowledges nothing more and hands its journal to the store, which the successor, kept active by an IDLE
/// session, merges live; QRESYNC clients of either side resync to the merge. A returning node: a silo killed after flag changes it never checkpointed comes back with its disk, and
/// the flags reappear.
/// </summary>
public sealed partial class NodeFailureProcessTests(ITestOutputHelper output)
{
    private const string User = "zed";

    [Fact]
    public async Task A_frozen_silo_loses_its_user_and_clients_of_both_sides_resync_to_the_merge()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        using var folder = new TempFolder();
        var passwd = Path.Combine(folder.Path, "users.passwd");
        await File.WriteAllLinesAsync(passwd, [$"{User}:{{PLAIN}}x::::::"]);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var container = "zombie" + suffix;
        string[] quiet = ["--OrleansMail:Store:CheckpointInterval=01:00:00"];
        var a = SiloHostProcess.Start(azurite, folder.Path, passwd, container, "za-" + suffix, 0, settings: quiet);

        // The successor's periodic scan finds the zombie's hand-over (every 10 minutes by default; 3 s here).
        var b = SiloHostProcess.Start(azurite, folder.Path, passwd, container, "zb-" + suffix, 1, settings: [.. quiet, "--OrleansMail:Store:ForeignSegmentScanInterval=00:00:03"]);
        try
        {
            await SiloHostProcess.WaitForGreetingAsync(a.LmtpPort);
            await SiloHostProcess.WaitForGreetingAsync(b.LmtpPort);

            // The first side: six messages checkpointed, then changes only its own journal knows.
            for (var i = 0; i < 6; i++)
            {
                await DeliverAsync(a.LmtpPort, $"m{i}");
            }

            using (var clientA = await SiloHostProcess.ConnectClientAsync(azurite, "za-" + suffix))
            {
                await clientA.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(User).CheckpointAsync();
            }

            await using var onA = await LoginAsync(a.ImapPort);
            await onA.CommandAsync("a1", "SELECT INBOX");
            await onA.CommandAsync("a2", "UID STORE 1:2 +FLAGS.SILENT (\\Answered)");
            await onA.CommandAsync("a3", "UID STORE 3 +FLAGS.SILENT (\\Deleted)");
            await onA.CommandAsync("a4", "EXPUNGE");
            await DeliverAsync(a.LmtpPort, "a-only");
            var seenByA = await SnapshotAsync(onA, "a5");

            // Frozen past its lease: the second cluster takes the user over (an unclean takeover) and works on it.
            a.Freeze();
            var store = new AzureBlobObjectStore(azurite.CreateBlobServiceClient().GetBlobContainerClient(container));
            while ((await UserLease.ReadAsync(store, UserObjectNames.For(User).Lease)).Record!.ExpiresAt > DateTimeOffset.UtcNow)
            {
                await Task.Delay(250);
            }

            await DeliverAsync(b.LmtpPort, "b-only");
            await using var onB = await LoginAsync(b.ImapPort);
            await onB.CommandAsync("b1", "SELECT INBOX");
            await onB.CommandAsync("b2", "UID STORE 4:5 +FLAGS.SILENT (\\Flagged)");
            await onB.CommandAsync("b3", "UID STORE 6 +FLAGS.SILENT (\\Deleted)");
            await onB.CommandAsync("b4", "EXPUNGE");
            var seenByB = await SnapshotAsync(onB, "b5");

            // A phone in IDLE keeps the successor's activation alive throughout: nothing forces a new one.
            await using var idle = await IdleOnInboxAsync(b.ImapPort);

            // Resumed, the zombie answers but acknowledges nothing: its lease lapsed while it slept.
            a.Thaw();
            Assert.StartsWith("a6 NO", (await onA.CommandAsync("a6", "UID STORE 4 +FLAGS (\\Seen)"))[^1]);
            Assert.StartsWith("4", await LmtpDelivery.TryDeliverAsync(a.LmtpPort, $"{User}@localhost", "late@zombie.test"));

            // Fenced, it hands its journal over instead of checkpointing it.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Directory.EnumerateFiles(Path.Combine(folder.Path, "silo0"), "journal-*", SearchOption.AllDirectories).Any())
            {
                Assert.True(DateTime.UtcNow < deadline, "the zombie kept its journal");
                await Task.Delay(250);
            }

            // The live activation merges it and tells the IDLE session: both sides' changes, every acknowledged message once.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await UntilMailboxChangesAsync(idle, TimeSpan.FromSeconds(60));
            output.WriteLine($"the zombie's hand-over reached the IDLE session {watch.Elapsed.TotalSeconds:F1} s after it left the silo's disk");

            await using var check = await LoginAsync(b.ImapPort);
            await check.CommandAsync("c1", "SELECT INBOX");
            var truth = await SnapshotAsync(check, "c2");
            await check.SendAsync("c3 UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])\r\n");
            var ids = MessageIdPattern().Matches(string.Join('\n', await check.ResponsesUntilTaggedAsync("c3"))).Select(m => m.Groups[1].Value).Order().ToList();
            output.WriteLine($"merged: {string.Join(", ", truth.Flags.Select(f => $"{f.Key}={f.Value}"))}; ids {string.Join(' ', ids)}");
            output.WriteLine($"messages under a UID neither side had shown (renumbered by the merge): {truth.Flags.Keys.Count(u => !seenByA.Flags.ContainsKey(u) && !seenByB.Flags.ContainsKey(u))}");
            Assert.Equal(["a-only", "b-only", "m0", "m1", "m3", "m4"], ids);
            Assert.Equal(@"\Answered", truth.Flags[1]);
            Assert.Equal(@"\Answered", truth.Flags[2]);
            Assert.Equal(@"\Flagged", truth.Flags[4]);
            Assert.Equal(@"\Flagged", truth.Flags[5]);
            Assert.Equal(seenByA.UidValidity, truth.UidValidity);

            foreach (var (side, known) in new[] { ("A", seenByA), ("B", seenByB) })
            {
                var resynced = await ResyncAsync(b.ImapPort, known);
                Assert.True(resynced.SequenceEqual(truth.Flags), $"the client of {side} resynced to {Describe(resynced)}, the truth is {Describe(truth.Flags)}");
            }
        }
        finally
        {
            foreach (var s in new[] { a, b })
            {
                if (!s.Process.HasExited)
                {
                    s.Thaw();
                    s.Process.Kill();
                }

                s.Process.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_killed_silo_returning_with_its_disk_brings_back_the_flags_it_never_checkpointed()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        using var folder = new TempFolder();
        var passwd = Path.Combine(folder.Path, "users.passwd");
        await File.WriteAllLinesAsync(passwd, [$"{User}:{{PLAIN}}x::::::"]);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var container = "return" + suffix;
        var cluster = "rn-" + suffix;
        string[] quiet = ["--OrleansMail:Store:CheckpointInterval=01:00:00"];
        var first = SiloHostProcess.Start(azurite, folder.Path, passwd, container, cluster, 0, settings: quiet);
        SiloHostProcess? second = null;
        SiloHostProcess? returned = null;
        try
        {
            await SiloHostProcess.WaitForGreetingAsync(first.LmtpPort);
            for (var i = 0; i < 4; i++)
            {
                await DeliverAsync(first.LmtpPort, $"m{i}");
            }

            using (var client = await SiloHostProcess.ConnectClientAsync(azurite, cluster))
            {
                await client.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(User).CheckpointAsync();
            }

            // Flag changes only the first silo's journal holds; a second silo joins; the first dies without a word.
            await using (var onFirst = await LoginAsync(first.ImapPort))
            {
                await onFirst.CommandAsync("a1", "SELECT INBOX");
                await onFirst.CommandAsync("a2", "UID STORE 1 +FLAGS.SILENT (\\Flagged)");
                await onFirst.CommandAsync("a3", "UID STORE 2 +FLAGS.SILENT (\\Answered $Forwarded)");
            }

            second = SiloHostProcess.Start(azurite, folder.Path, passwd, container, cluster, 1, settings: quiet);
            await SiloHostProcess.WaitForGreetingAsync(second.LmtpPort);
            first.Process.Kill();
            await first.Process.WaitForExitAsync();

            // The second silo serves the user meanwhile: every message, not yet the lost flags.
            await DeliverAsync(second.LmtpPort, "while-away");
            await using (var onSecond = await LoginAsync(second.ImapPort))
            {
                await onSecond.CommandAsync("b1", "SELECT INBOX");
                var meanwhile = await SnapshotAsync(onSecond, "b2");
                Assert.Equal(5, meanwhile.Flags.Count);
                Assert.DoesNotContain(meanwhile.Flags.Values, f => f.Contains("Flagged", StringComparison.Ordinal));
            }

            // The dead node returns with its disk: its journal goes to the store, the next activation merges it.
            returned = SiloHostProcess.Start(azurite, folder.Path, passwd, container, cluster, 0, replacing: first, settings: quiet);
            await SiloHostProcess.WaitForGreetingAsync(returned.LmtpPort);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Directory.EnumerateFiles(Path.Combine(folder.Path, "silo0"), "journal-*", SearchOption.AllDirectories).Any())
            {
                Assert.True(DateTime.UtcNow < deadline, "the returning node kept its journal");
                await Task.Delay(250);
            }

            using (var client = await SiloHostProcess.ConnectClientAsync(azurite, cluster))
            {
                await client.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(User).DeactivateAsync();
            }

            await using var check = await LoginAsync(second.ImapPort);
            await check.CommandAsync("c1", "SELECT INBOX");
            var merged = await SnapshotAsync(check, "c2");
            output.WriteLine($"merged: {Describe(merged.Flags)}");
            Assert.Equal(5, merged.Flags.Count);
            Assert.Equal(@"\Flagged", merged.Flags[1]);
            Assert.Equal(@"$Forwarded \Answered", merged.Flags[2]);
        }
        finally
        {
            foreach (var s in new[] { first, second, returned }.OfType<SiloHostProcess>())
            {
                if (!s.Process.HasExited)
                {
                    s.Process.Kill();
                }

                s.Process.Dispose();
            }
        }
    }

    private sealed record ClientState(uint UidValidity, ulong HighestModSeq, SortedDictionary<uint, string> Flags);

    private static async Task DeliverAsync(int port, string id)
    {
        for (var attempt = 0; ; attempt++)
        {
            var reply = await LmtpDelivery.TryDeliverAsync(port, $"{User}@localhost", $"{id}@zombie.test");
            if (reply.StartsWith("250", StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(attempt < 60 && reply.StartsWith('4'), $"{id}: {reply}");
            await Task.Delay(500);
        }
    }

    private static async Task<ImapTranscript> LoginAsync(int port)
    {
        var t = new ImapTranscript();
        await t.ConnectAsync(port);
        Assert.StartsWith("l1 OK", (await t.CommandAsync("l1", $"LOGIN {User} x"))[^1]);
        Assert.StartsWith("l2 OK", (await t.CommandAsync("l2", "ENABLE QRESYNC"))[^1]);
        return t;
    }

    /// <summary>A session that selected INBOX and waits in IDLE (tag i2), as a phone does.</summary>
    private static async Task<ImapTranscript> IdleOnInboxAsync(int port)
    {
        var idle = await LoginAsync(port);
        await idle.CommandAsync("i1", "SELECT INBOX");
        await idle.SendAsync("i2 IDLE\r\n");
        Assert.StartsWith("+", await idle.LineAsync());
        return idle;
    }

    /// <summary>Waits in IDLE until the server pushes a change to the mailbox (an expunge or a flag change), then leaves IDLE.</summary>
    private static async Task UntilMailboxChangesAsync(ImapTranscript idle, TimeSpan patience)
    {
        string line;
        do
        {
            line = await idle.LineAsync(patience);
        }
        while (!line.StartsWith("* VANISHED", StringComparison.Ordinal) && !line.EndsWith(" EXPUNGE", StringComparison.Ordinal) && !line.Contains(" FETCH ", StringComparison.Ordinal));
        await idle.SendAsync("DONE\r\n");
        await idle.UntilTaggedAsync("i2");
    }

    /// <summary>What a client keeps of the selected INBOX: UIDVALIDITY, HIGHESTMODSEQ and each UID's flags.</summary>
    private static async Task<ClientState> SnapshotAsync(ImapTranscript t, string tag)
    {
        var status = string.Join('\n', await t.CommandAsync(tag + "s", "STATUS INBOX (UIDVALIDITY HIGHESTMODSEQ)"));
        var listing = await t.CommandAsync(tag + "f", "UID FETCH 1:* (FLAGS)");
        return new ClientState(
            uint.Parse(Regex.Match(status, @"UIDVALIDITY (\d+)").Groups[1].Value, CultureInfo.InvariantCulture),
            ulong.Parse(Regex.Match(status, @"HIGHESTMODSEQ (\d+)").Groups[1].Value, CultureInfo.InvariantCulture),
            Flags(listing));
    }

    /// <summary>RFC 7162's quick resync from what the client kept, applied to its copy.</summary>
    private static async Task<SortedDictionary<uint, string>> ResyncAsync(int port, ClientState known)
    {
        await using var t = await LoginAsync(port);
        var answer = await t.CommandAsync("r1", $"SELECT INBOX (QRESYNC ({known.UidValidity} {known.HighestModSeq}))");
        var copy = new SortedDictionary<uint, string>(known.Flags);
        foreach (var line in answer.Where(l => l.StartsWith("* VANISHED (EARLIER) ", StringComparison.Ordinal)))
        {
            foreach (var uid in UidsOf(line["* VANISHED (EARLIER) ".Length..]))
            {
                copy.Remove(uid);
            }
        }

        foreach (var (uid, flags) in Flags(answer))
        {
            copy[uid] = flags;
        }

        return copy;
    }

    private static SortedDictionary<uint, string> Flags(IEnumerable<string> lines)
    {
        var flags = new SortedDictionary<uint, string>();
        foreach (var match in lines.Select(l => FetchPattern().Match(l)).Where(m => m.Success))
        {
            // \Recent belongs to a session, not to the message.
            var set = match.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f != @"\Recent").Order(StringComparer.Ordinal);
            flags[uint.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] = string.Join(' ', set);
        }

        return flags;
    }

    private static IEnumerable<uint> UidsOf(string set)
    {
        foreach (var part in set.Split(','))
        {
            var range = part.Split(':');
            var first = uint.Parse(range[0], CultureInfo.InvariantCulture);
            var last = range.Length > 1 ? uint.Parse(range[1], CultureInfo.InvariantCulture) : first;
            for (var uid = Math.Min(first, last); uid <= Math.Max(first, last); uid++)
            {
                yield return uid;
            }
        }
    }

    private static string Describe(SortedDictionary<uint, string> flags) => string.Join(", ", flags.Select(f => $"{f.Key}=({f.Value})"));

    [GeneratedRegex(@"^\* \d+ FETCH \(.*?UID (\d+).*?FLAGS \(([^)]*)\)")]
    private static partial Regex FetchPattern();

    [GeneratedRegex(@"Message-ID: <([^@>]+)@zombie\.test>", RegexOptions.IgnoreCase)]
    private static partial Regex MessageIdPattern();
}
