using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.DependencyInjection;
using OrleansMail.Grains.Contracts;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.SiloHost.Tests;

/// <summary>
/// A node dies with changes only its journal holds (a late expunge, a late move into a folder it created, a COPY
/// into a folder both sides know); its successor is kept active by an IDLE session the whole time, so nothing
/// forces an activation; the node returns. Clients that sync by UID alone take part on both sides: mbsync, and a
/// MailKit client that fetches UID n:* from the UIDNEXT it last saw.
/// </summary>
public sealed partial class NodeFailureProcessTests
{
    [Fact]
    public async Task A_returning_node_merges_into_an_idle_successor_and_uid_syncing_clients_converge()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        using var folder = new TempFolder();
        var passwd = Path.Combine(folder.Path, "users.passwd");
        await File.WriteAllLinesAsync(passwd, [$"{User}:{{PLAIN}}x::::::"]);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var container = "uidsync" + suffix;
        var cluster = "us-" + suffix;
        string[] quiet = ["--OrleansMail:Store:CheckpointInterval=01:00:00"];
        var first = SiloHostProcess.Start(azurite, folder.Path, passwd, container, cluster, 0, settings: quiet);
        SiloHostProcess? second = null;
        SiloHostProcess? returned = null;
        var laptopA = new MbsyncMirror(Path.Combine(folder.Path, "laptop-a"), User, "x");
        var laptopB = new MbsyncMirror(Path.Combine(folder.Path, "laptop-b"), User, "x");
        try
        {
            await SiloHostProcess.WaitForGreetingAsync(first.LmtpPort);
            for (var i = 0; i < 4; i++)
            {
                await DeliverAsync(first.LmtpPort, $"m{i}");
            }

            await using (var setup = await LoginAsync(first.ImapPort))
            {
                Assert.StartsWith("s1 OK", (await setup.CommandAsync("s1", "CREATE Work"))[^1]);
                Assert.StartsWith("s2 OK", (await setup.CommandAsync("s2", "LIST \"\" *"))[^1]); // the special-use folders
            }

            using (var client = await SiloHostProcess.ConnectClientAsync(azurite, cluster))
            {
                await client.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(User).CheckpointAsync();
            }

            // After the checkpoint, only the first node's journal knows: three deliveries, one deleted, one moved
            // into a folder created now, and a COPY into Work.
            foreach (var id in new[] { "late-deleted", "late-moved", "late-kept" })
            {
                await DeliverAsync(first.LmtpPort, id);
            }

            await using (var onFirst = await LoginAsync(first.ImapPort))
            {
                await onFirst.CommandAsync("a1", "SELECT INBOX");
                Assert.StartsWith("a2 OK", (await onFirst.CommandAsync("a2", "CREATE Projects"))[^1]);
                Assert.StartsWith("a3 OK", (await onFirst.CommandAsync("a3", "UID STORE 5 +FLAGS.SILENT (\\Deleted)"))[^1]);
                Assert.StartsWith("a4 OK", (await onFirst.CommandAsync("a4", "UID EXPUNGE 5"))[^1]);
                Assert.StartsWith("a5 OK", (await onFirst.CommandAsync("a5", "UID MOVE 6 Projects"))[^1]);
                Assert.StartsWith("a6 OK", (await onFirst.CommandAsync("a6", "UID COPY 1 Work"))[^1]);
            }

            await laptopA.SyncAsync(first.ImapPort);

            // A second node joins; the first dies without a word.
            second = SiloHostProcess.Start(azurite, folder.Path, passwd, container, cluster, 1, settings: quiet);
            await SiloHostProcess.WaitForGreetingAsync(second.LmtpPort);
            first.Process.Kill();
            await first.Process.WaitForExitAsync();

            // The successor recovers (the deleted and the moved delivery come back into INBOX: it cannot know what
            // the dead node did with them), serves a new delivery, and a session keeps the user active in IDLE.
            await DeliverAsync(second.LmtpPort, "while-away");
            await laptopB.SyncAsync(second.ImapPort);
            using var uidClient = new ImapClient();
            await uidClient.ConnectAsync("127.0.0.1", second.ImapPort, MailKit.Security.SecureSocketOptions.None);
            await uidClient.AuthenticateAsync(User, "x");
            var seen = new Dictionary<string, (uint UidNext, Dictionary<uint, string> Ids)>();
            foreach (var name in new[] { "INBOX", "Work" })
            {
                var box = await uidClient.GetFolderAsync(name);
                await box.OpenAsync(FolderAccess.ReadOnly);
                var ids = (await box.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId)).ToDictionary(m => m.UniqueId.Id, IdOf);
                seen[name] = (box.UidNext!.Value.Id, ids);
                await box.CloseAsync();
            }

            await using var idle = await IdleOnInboxAsync(second.ImapPort);

            // The dead node returns with its disk: its journal goes to the store and is merged into the live user.
            var watch = Stopwatch.StartNew();
            returned = SiloHostProcess.Start(azurite, folder.Path, passwd, container, cluster, 0, replacing: first, settings: quiet);
            await UntilMailboxChangesAsync(idle, TimeSpan.FromSeconds(120));
            output.WriteLine($"the returned node's changes reached the IDLE session {watch.Elapsed.TotalSeconds:F1} s after its process started");

            // Every client converges: each acknowledged message once, where the user last put it; none deleted.
            var truth = new Dictionary<string, List<string>>
            {
                ["Archive"] = [],
                ["INBOX"] = ["late-kept", "m0", "m1", "m2", "m3", "while-away"],
                ["Projects"] = ["late-moved"],
                ["Work"] = ["m0"],
            };
            foreach (var (laptop, name) in new[] { (laptopA, "mbsync A"), (laptopB, "mbsync B") })
            {
                await laptop.SyncAsync(second.ImapPort);
                var contents = laptop.Contents();
                foreach (var (box, ids) in truth)
                {
                    Assert.True(contents.TryGetValue(box, out var local), $"{name} has no {box}");
                    Assert.True(ids.SequenceEqual(local!), $"{name}'s {box} is [{string.Join(", ", local!)}], the truth is [{string.Join(", ", ids)}]");
                }
            }

            // The UID client: the UIDs it kept that are still there (UID SEARCH ALL) plus UID n:* from the UIDNEXT
            // it saw rebuild each mailbox.
            var renumbered = 0;
            foreach (var (name, (uidNext, ids)) in seen)
            {
                var box = await uidClient.GetFolderAsync(name);
                await box.OpenAsync(FolderAccess.ReadOnly);
                var added = await box.FetchAsync(new UniqueIdRange(new UniqueId(uidNext), UniqueId.MaxValue), MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId);
                var fresh = added.Where(m => m.UniqueId.Id >= uidNext).Select(IdOf).ToList();
                renumbered += fresh.Count;
                var still = (await box.SearchAsync(SearchQuery.All)).Select(u => u.Id).ToHashSet();
                var kept = ids.Where(kv => still.Contains(kv.Key)).Select(kv => kv.Value);
                var copy = kept.Concat(fresh).Order(StringComparer.Ordinal).ToList();
                Assert.True(truth[name].SequenceEqual(copy), $"the UID client's {name} is [{string.Join(", ", copy)}], the truth is [{string.Join(", ", truth[name])}]");
                await box.CloseAsync();
            }

            output.WriteLine($"messages the UID client found above the UIDNEXT it had seen after the merge: {renumbered}");
            await uidClient.DisconnectAsync(true);
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

    private static string IdOf(IMessageSummary m) => (m.Envelope?.MessageId ?? "").Split('@')[0];
}
