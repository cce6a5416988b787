using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.SiloHost.Tests;

/// <summary>A shared mailbox across two silo-host processes: the owner's grain on one, a reader's session on the other.</summary>
public sealed class SharedMailboxProcessTests
{
    [Fact]
    public async Task A_reader_idling_or_notified_on_one_silo_hears_at_once_of_the_owners_message_saved_through_the_other()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        using var folder = new TempFolder();
        var passwd = Path.Combine(folder.Path, "users.passwd");
        await File.WriteAllLinesAsync(passwd, ["alice:{PLAIN}x::::::", "bob:{PLAIN}x::::::"]);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var silos = new[]
        {
            SiloHostProcess.Start(azurite, folder.Path, passwd, "share" + suffix, "share-" + suffix, 0),
            SiloHostProcess.Start(azurite, folder.Path, passwd, "share" + suffix, "share-" + suffix, 1),
        };
        try
        {
            foreach (var s in silos)
            {
                await SiloHostProcess.WaitForGreetingAsync(s.LmtpPort);
            }

            // Every session of each user on its own silo: whichever silo holds alice's grain, one of them reaches it across.
            await using var alice = new ImapTranscript();
            await alice.ConnectAsync(silos[0].ImapPort);
            await alice.CommandAsync("a0", "LOGIN alice x");
            await alice.CommandAsync("a1", "CREATE Team");
            await alice.AppendAsync("a2", "Team", "Subject: first\r\n\r\none\r\n");
            Assert.StartsWith("a3 OK", (await alice.CommandAsync("a3", "SETACL Team bob lrs"))[^1]);

            await using var bob = new ImapTranscript();
            await bob.ConnectAsync(silos[1].ImapPort);
            await bob.CommandAsync("b0", "LOGIN bob x");
            Assert.Contains("* LIST (\\HasNoChildren) \"/\" Shared/alice/Team", await bob.CommandAsync("b1", "LIST \"\" \"Shared/*\""));
            Assert.Contains("* 1 EXISTS", await bob.CommandAsync("b2", "SELECT Shared/alice/Team"));
            await bob.SendAsync("b3 IDLE\r\n");
            Assert.StartsWith("+", await bob.LineAsync());

            await alice.AppendAsync("a4", "Team", "Subject: second\r\n\r\ntwo\r\n");
            Assert.Equal("* 2 EXISTS", await bob.LineAsync(TimeSpan.FromSeconds(15)));
            await bob.SendAsync("DONE\r\n");
            await bob.UntilTaggedAsync("b3");

            // His \Seen is his own, kept by his grain, wherever that is.
            await bob.CommandAsync("b4", "FETCH 2 BODY[TEXT]");
            Assert.Equal("* STATUS Team (UNSEEN 2)", (await alice.CommandAsync("a5", "STATUS Team (UNSEEN)"))[0]);
            Assert.Equal("* STATUS Shared/alice/Team (UNSEEN 1)", (await bob.CommandAsync("b5", "STATUS Shared/alice/Team (UNSEEN)"))[0]);

            // NOTIFY (RFC 5465) across the silos: bob hears of alice's mailbox without selecting it or sending a
            // command; alice's session on the other silo hears of her own new mailbox name.
            await bob.CommandAsync("b6", "UNSELECT");
            Assert.StartsWith("* STATUS Shared/alice/Team (MESSAGES 2 UIDNEXT 3 ", (await bob.CommandAsync("b7", "NOTIFY SET STATUS (mailboxes Shared/alice/Team (MessageNew MessageExpunge))"))[0]);
            await using var aliceElsewhere = new ImapTranscript();
            await aliceElsewhere.ConnectAsync(silos[1].ImapPort);
            await aliceElsewhere.CommandAsync("c0", "LOGIN alice x");
            Assert.Equal("c1 OK NOTIFY completed", (await aliceElsewhere.CommandAsync("c1", "NOTIFY SET (personal (MailboxName))"))[^1]);

            await alice.AppendAsync("a6", "Team", "Subject: third\r\n\r\nthree\r\n");
            Assert.Equal("* STATUS Shared/alice/Team (MESSAGES 3 UIDNEXT 4)", await bob.LineAsync(TimeSpan.FromSeconds(15)));
            await alice.CommandAsync("a7", "CREATE Plans");
            Assert.Equal("* LIST () \"/\" Plans", await aliceElsewhere.LineAsync(TimeSpan.FromSeconds(15)));
            Assert.Equal(["b8 OK NOOP completed"], await bob.CommandAsync("b8", "NOOP"));
        }
        finally
        {
            foreach (var s in silos)
            {
                if (!s.Process.HasExited)
                {
                    s.Process.Kill();
                }

                s.Process.Dispose();
            }
        }
    }
}
