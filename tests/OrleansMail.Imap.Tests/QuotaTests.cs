using MailKit.Net.Imap;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>QUOTA (RFC 9208): limits from the user's passwd-file quota rules, usage kept by the index, enforced wherever mail enters.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class QuotaTests(ImapHost host)
{
    private static readonly string Small = ImapHost.Message("small", new string('x', 400));

    [Fact]
    public async Task Getquotaroot_and_getquota_show_usage_and_limits_and_setquota_is_the_administrators()
    {
        var user = host.NewUser("userdb_quota_rule=*:storage=10K userdb_quota_rule2=*:messages=5");
        await host.DeliverAsync(user, Small);
        await using var t = await host.LoggedInAsync(user);
        var capability = (await t.CommandAsync("a1", "CAPABILITY"))[0];
        Assert.Contains(" QUOTA ", capability + " ");
        Assert.Contains("QUOTA=RES-STORAGE", capability);
        Assert.Contains("QUOTA=RES-MESSAGE", capability);

        var root = await t.CommandAsync("a2", "GETQUOTAROOT INBOX");
        Assert.Equal("* QUOTAROOT INBOX \"User quota\"", root[0]);
        Assert.Equal("* QUOTA \"User quota\" (STORAGE 1 10 MESSAGE 1 5)", root[1]);
        Assert.Equal("a2 OK GETQUOTAROOT completed", root[^1]);
        Assert.Equal("* QUOTA \"User quota\" (STORAGE 1 10 MESSAGE 1 5)", (await t.CommandAsync("a3", "GETQUOTA \"User quota\""))[0]);

        Assert.Equal("a4 NO [NONEXISTENT] No such quota root", (await t.CommandAsync("a4", "GETQUOTA \"\""))[^1]);
        Assert.Equal("a5 NO [NONEXISTENT] No such mailbox", (await t.CommandAsync("a5", "GETQUOTAROOT Nowhere"))[^1]);
        Assert.Equal("a6 NO [NOPERM] Quotas are set by the administrator", (await t.CommandAsync("a6", "SETQUOTA \"User quota\" (STORAGE 100000)"))[^1]);
        Assert.StartsWith("a7 BAD", (await t.CommandAsync("a7", "SETQUOTA \"User quota\" (STORAGE)"))[^1]);
        Assert.StartsWith("a8 BAD", (await t.CommandAsync("a8", "GETQUOTAROOT"))[^1]);
    }

    [Fact]
    public async Task An_administrator_sets_another_users_quota_and_every_way_in_holds_the_user_to_it_at_once()
    {
        var user = host.NewUser("userdb_quota_rule=*:messages=100");
        await host.DeliverAsync(user, Small);
        await using var admin = await host.LoggedInAsync(ImapHost.QuotaAdmin);
        Assert.Contains(" QUOTASET", (await admin.CommandAsync("a0", "CAPABILITY"))[0]);
        Assert.Equal($"* QUOTA user/{user} (MESSAGE 1 100)", (await admin.CommandAsync("a1", $"GETQUOTA user/{user}"))[0]);

        // RFC 9208 §4.1.2: the listed limits replace the earlier ones, and QUOTA shows them with the usage.
        var set = await admin.CommandAsync("a2", $"SETQUOTA user/{user} (MESSAGE 2 STORAGE 50)");
        Assert.Equal([$"* QUOTA user/{user} (STORAGE 1 50 MESSAGE 1 2)", "a2 OK SETQUOTA completed"], set);

        await using var t = await host.LoggedInAsync(user);
        Assert.DoesNotContain("QUOTASET", (await t.CommandAsync("b0", "CAPABILITY"))[0]);
        Assert.Equal("* QUOTA \"User quota\" (STORAGE 1 50 MESSAGE 1 2)", (await t.CommandAsync("b1", "GETQUOTA \"User quota\""))[0]);
        Assert.StartsWith("b2 OK", (await t.AppendAsync("b2", "INBOX", Small))[^1]);
        Assert.StartsWith("b3 NO [OVERQUOTA]", (await t.AppendAsync("b3", "INBOX", Small))[^1]);
        Assert.StartsWith("552 5.2.2", await RcptReplyAsync(user));

        // An empty list: no limit at all, whatever the passwd-file says.
        Assert.Equal(["a3 OK SETQUOTA completed"], await admin.CommandAsync("a3", $"SETQUOTA user/{user} ()"));
        Assert.Equal("b4 NO [NONEXISTENT] No such quota root", (await t.CommandAsync("b4", "GETQUOTA \"User quota\""))[^1]);
        Assert.StartsWith("b5 OK", (await t.AppendAsync("b5", "INBOX", Small))[^1]);

        // The error paths: a resource not kept, a user who does not exist, and a user who is no administrator.
        Assert.StartsWith("a4 NO [CANNOT]", (await admin.CommandAsync("a4", $"SETQUOTA user/{user} (ANNOTATION-STORAGE 10)"))[^1]);
        Assert.Equal("a5 NO [NONEXISTENT] No such quota root", (await admin.CommandAsync("a5", "GETQUOTA user/nobody-here"))[^1]);
        Assert.Equal("b6 NO [NONEXISTENT] No such quota root", (await t.CommandAsync("b6", $"SETQUOTA user/{ImapHost.QuotaAdmin} (MESSAGE 1)"))[^1]);
        Assert.Equal("b7 NO [NONEXISTENT] No such quota root", (await t.CommandAsync("b7", $"GETQUOTA user/{ImapHost.QuotaAdmin}"))[^1]);
    }

    [Fact]
    public async Task The_mailbox_count_is_a_resource_and_create_past_it_is_overquota()
    {
        var user = host.NewUser("userdb_quota_rule=*:mailboxes=4");
        await using var t = await host.LoggedInAsync(user);
        Assert.Contains("QUOTA=RES-MAILBOX", (await t.CommandAsync("a0", "CAPABILITY"))[0]);
        Assert.StartsWith("a1 OK", (await t.CommandAsync("a1", "SELECT INBOX"))[^1]);
        Assert.Equal("* QUOTA \"User quota\" (MAILBOX 1 4)", (await t.CommandAsync("a2", "GETQUOTA \"User quota\""))[0]);

        // A CREATE that makes a parent as well counts both; the one that would pass the limit changes nothing.
        Assert.StartsWith("a3 OK", (await t.CommandAsync("a3", "CREATE Work/Plans"))[^1]);
        Assert.StartsWith("a4 OK", (await t.CommandAsync("a4", "CREATE Home"))[^1]);
        Assert.Equal("a5 NO [OVERQUOTA] Quota exceeded: mailboxes", (await t.CommandAsync("a5", "CREATE Travel"))[^1]);
        Assert.Equal("* QUOTA \"User quota\" (MAILBOX 4 4)", (await t.CommandAsync("a6", "GETQUOTA \"User quota\""))[0]);

        // Deleting one gives the room back.
        await t.CommandAsync("a7", "DELETE Home");
        Assert.StartsWith("a8 OK", (await t.CommandAsync("a8", "CREATE Travel"))[^1]);
    }

    /// <summary>LMTP's answer to RCPT for the user: a user already full is refused there, before any DATA.</summary>
    private async Task<string> RcptReplyAsync(string user)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", host.LmtpPort);
        using var reader = new StreamReader(tcp.GetStream());
        await using var writer = new StreamWriter(tcp.GetStream()) { NewLine = "\r\n", AutoFlush = true };
        await reader.ReadLineAsync();
        await writer.WriteLineAsync("LHLO test");
        while ((await reader.ReadLineAsync())![3] == '-')
        {
        }

        await writer.WriteLineAsync("MAIL FROM:<sender@example.org>");
        await reader.ReadLineAsync();
        await writer.WriteLineAsync($"RCPT TO:<{user}@localhost>");
        return (await reader.ReadLineAsync())!;
    }

    [Fact]
    public async Task A_user_without_a_quota_has_no_quota_root()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        var root = await t.CommandAsync("a1", "GETQUOTAROOT INBOX");
        Assert.Equal("* QUOTAROOT INBOX", root[0]);
        Assert.Equal("a1 OK GETQUOTAROOT completed", root[1]);
    }

    [Fact]
    public async Task Append_and_copy_past_the_quota_are_refused_with_overquota_and_expunge_gives_the_room_back()
    {
        var user = host.NewUser("userdb_quota_rule=*:messages=3");
        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a0", "CREATE Archive");
        for (var i = 1; i <= 2; i++)
        {
            Assert.StartsWith($"a{i} OK", (await t.AppendAsync($"a{i}", "INBOX", Small))[^1]);
        }

        await t.CommandAsync("b1", "SELECT INBOX");
        Assert.Equal("b2 NO [OVERQUOTA] Quota exceeded (mailbox full): messages", (await t.CommandAsync("b2", "COPY 1:2 Archive"))[^1]);
        Assert.Equal("* STATUS Archive (MESSAGES 0)", (await t.CommandAsync("b3", "STATUS Archive (MESSAGES)"))[0]);
        Assert.StartsWith("b4 OK", (await t.CommandAsync("b4", "MOVE 2 Archive"))[^1]); // a move adds nothing
        Assert.StartsWith("b5 OK", (await t.AppendAsync("b5", "INBOX", Small))[^1]);
        Assert.Equal("b6 NO [OVERQUOTA] Quota exceeded (mailbox full): messages", (await t.AppendAsync("b6", "INBOX", Small))[^1]);
        Assert.Equal("* QUOTA \"User quota\" (MESSAGE 3 3)", (await t.CommandAsync("b7", "GETQUOTA \"User quota\""))[0]);

        await t.CommandAsync("c1", "STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal("* STATUS INBOX (DELETED 1 DELETED-STORAGE 1)", (await t.CommandAsync("c2", "STATUS INBOX (DELETED DELETED-STORAGE)"))[0]);
        await t.CommandAsync("c3", "EXPUNGE");
        Assert.StartsWith("c4 OK", (await t.AppendAsync("c4", "INBOX", Small))[^1]);
    }

    [Fact]
    public async Task Lmtp_accepts_the_last_message_that_fits_and_refuses_the_next_with_552_5_2_2()
    {
        // Each stored copy is the message plus its trace headers (under 1,000 octets): two fit, a third cannot.
        var large = ImapHost.Message("large", new string('y', 8_000));
        var user = host.NewUser($"userdb_quota_rule=*:bytes={(large.Length + 1_000) * 2}");
        var first = await host.DeliverAsync(user, large);
        var second = await host.DeliverAsync(user, large);
        var third = await host.DeliverAsync(user, large);
        Assert.StartsWith("250 2.0.0", first);
        Assert.StartsWith("250 2.0.0", second);
        Assert.StartsWith("552 5.2.2", third);
        Assert.Contains("Quota exceeded", third);

        await using var t = await host.LoggedInAsync(user);
        Assert.Equal("* STATUS INBOX (MESSAGES 2)", (await t.CommandAsync("a1", "STATUS INBOX (MESSAGES)"))[0]);
    }

    [Fact]
    public async Task MailKit_reads_the_quota_of_its_inbox()
    {
        var user = host.NewUser("userdb_quota_rule=*:storage=1M");
        await host.DeliverAsync(user, Small);
        using var client = await host.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Quota));
        var quota = await client.Inbox.GetQuotaAsync();
        Assert.Equal("User quota", quota.QuotaRoot?.FullName);
        Assert.Equal(1024u, quota.StorageLimit);
        Assert.Equal(1u, quota.CurrentStorageSize);
        Assert.Null(quota.MessageLimit);
        await client.DisconnectAsync(true);
    }
}
