using System.Text;
using MailKit;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>UTF8=ACCEPT (RFC 6855): mailbox names as UTF-8 once enabled, messages appended as UTF8 (literal8), the rest unchanged for other sessions.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class Utf8AcceptTests(ImapHost host)
{
    [Fact]
    public async Task Once_enabled_mailbox_names_are_utf8_both_ways_while_other_sessions_still_see_modified_utf7()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        Assert.Contains("UTF8=ACCEPT", (await t.CommandAsync("a1", "CAPABILITY"))[0]);
        Assert.Equal("* ENABLED UTF8=ACCEPT", (await t.CommandAsync("a2", "ENABLE UTF8=ACCEPT"))[0]);
        Assert.StartsWith("a3 OK", (await t.CommandAsync("a3", "CREATE \"Entwürfe/Alt\""))[^1]);
        Assert.StartsWith("a4 OK", (await t.CommandAsync("a4", "CREATE A&B"))[^1]);
        await t.SendAsync("a5 LIST \"\" *\r\n");
        var list = await t.ResponsesUntilTaggedAsync("a5");
        Assert.Contains(list, r => r.EndsWith("\r\nEntwürfe/Alt", StringComparison.Ordinal) || r.EndsWith("\"Entwürfe/Alt\"", StringComparison.Ordinal));
        Assert.Contains(list, r => r.EndsWith(" A&B", StringComparison.Ordinal));
        Assert.Equal("a6 OK [READ-WRITE] SELECT completed", (await t.CommandAsync("a6", "SELECT \"Entwürfe/Alt\""))[^1]);
        Assert.StartsWith("a7 BAD", (await t.CommandAsync("a7", "SEARCH CHARSET UTF-8 ALL"))[^1]);
        Assert.StartsWith("a8 BAD", (await t.CommandAsync("a8", "ENABLE UTF8=ACCEPT"))[^1]); // not in the selected state

        // A session that did not enable it reads the same names in modified UTF-7.
        await using var other = await host.LoggedInAsync(user);
        var legacy = await other.CommandAsync("b1", "LIST \"\" *");
        Assert.Contains(legacy, l => l.EndsWith(" Entw&APw-rfe/Alt", StringComparison.Ordinal));
        Assert.Contains(legacy, l => l.EndsWith(" A&-B", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_appended_as_utf8_keeps_its_8bit_header()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        var message = Encoding.UTF8.GetBytes("From: Zoë <zoe@example.org>\r\nSubject: Grüße\r\n\r\nHallo.\r\n");
        await t.SendAsync($"a1 APPEND INBOX UTF8 (~{{{message.Length}+}}\r\n");
        await t.SendAsync(message);
        await t.SendAsync(")\r\n");
        Assert.StartsWith("a1 BAD", (await t.UntilTaggedAsync("a1"))[^1]); // not enabled yet

        await t.CommandAsync("a2", "ENABLE UTF8=ACCEPT");
        await t.SendAsync($"a3 APPEND INBOX (\\Seen) UTF8 (~{{{message.Length}+}}\r\n");
        await t.SendAsync(message);
        await t.SendAsync(")\r\n");
        Assert.Matches(@"^a3 OK \[APPENDUID \d+ 1\]", (await t.UntilTaggedAsync("a3"))[^1]);
        await t.CommandAsync("a4", "SELECT INBOX");
        await t.SendAsync("a5 FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n");
        var fetch = await t.ResponsesUntilTaggedAsync("a5");
        Assert.Contains("\\Seen", fetch[0]);
        Assert.Contains("Subject: Grüße", fetch[0]);
    }

    [Fact]
    public async Task MailKit_enables_utf8_and_works_with_unicode_folders()
    {
        var user = host.NewUser();
        using var client = await host.ConnectAsync(user);
        await client.EnableUTF8Async();
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var folder = await root.CreateAsync("Année 2026", true) ?? throw new InvalidOperationException("not created");
        Assert.Equal("Année 2026", folder.Name);
        var names = (await root.GetSubfoldersAsync()).Select(f => f.Name).ToList();
        Assert.Contains("Année 2026", names);
        await folder.OpenAsync(FolderAccess.ReadWrite);
        await client.DisconnectAsync(true);
    }
}
