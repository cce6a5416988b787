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
