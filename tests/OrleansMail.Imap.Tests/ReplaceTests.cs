using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>REPLACE (RFC 8508): the new message saved first, then the old one expunged, in the selected mailbox or another.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class ReplaceTests(ImapHost host)
{
    private const string Draft = "Subject: draft v2\r\n\r\nSecond version.\r\n";

    [Fact]
    public async Task Replace_saves_the_new_message_then_expunges_the_old_in_the_selected_mailbox()
    {
        var user = host.NewUser();
        for (var i = 1; i <= 3; i++)
        {
            await host.DeliverAsync(user, ImapHost.Message("draft v1 " + i));
        }

        await using var t = await host.LoggedInAsync(user);
        Assert.Contains("REPLACE", (await t.CommandAsync("a1", "CAPABILITY"))[0]);
        await t.CommandAsync("a2", "SELECT INBOX");
        await t.SendAsync($"a3 REPLACE 2 INBOX (\\Seen \\Draft) {{{Draft.Length}}}\r\n");
        Assert.StartsWith("+", await t.LineAsync());
        await t.SendAsync(Draft + "\r\n");
        var answer = await t.UntilTaggedAsync("a3");
        Assert.Matches(@"^\* OK \[APPENDUID \d+ 4\] Replacement Message ready$", answer[0]);
        Assert.Contains("* 2 EXPUNGE", answer);
        Assert.Contains("* 3 EXISTS", answer);
        Assert.Equal("a3 OK REPLACE completed", answer[^1]);
        Assert.Equal("* SEARCH 1 3 4", (await t.CommandAsync("a4", "UID SEARCH ALL"))[0]);
        Assert.Contains("FLAGS (\\Seen \\Draft", (await t.CommandAsync("a5", "UID FETCH 4 (FLAGS)"))[0]);
    }

    [Fact]
    public async Task Uid_replace_files_into_another_mailbox_and_refuses_read_only_and_missing_messages()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("draft v1"));
        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a1", "CREATE Drafts2");
        await t.CommandAsync("a2", "SELECT INBOX");
        await t.SendAsync($"a3 UID REPLACE 1 Drafts2 {{{Draft.Length}+}}\r\n{Draft}\r\n");
        var answer = await t.UntilTaggedAsync("a3");
        Assert.Matches(@"^\* OK \[APPENDUID \d+ 1\] Replacement Message ready$", answer[0]);
        Assert.Contains("* 1 EXPUNGE", answer);
        Assert.Equal("a3 OK UID REPLACE completed", answer[^1]);
        Assert.Equal("* STATUS Drafts2 (MESSAGES 1)", (await t.CommandAsync("a4", "STATUS Drafts2 (MESSAGES)"))[0]);

        await t.SendAsync($"a5 UID REPLACE 77 Drafts2 {{{Draft.Length}+}}\r\n{Draft}\r\n");
        Assert.Equal("a5 NO [NONEXISTENT] No such message to replace", (await t.UntilTaggedAsync("a5"))[^1]);
        await t.SendAsync($"a6 REPLACE 5 Drafts2 {{{Draft.Length}+}}\r\n{Draft}\r\n");
        Assert.StartsWith("a6 BAD", (await t.UntilTaggedAsync("a6"))[^1]);
        Assert.Equal("* STATUS Drafts2 (MESSAGES 1)", (await t.CommandAsync("a7", "STATUS Drafts2 (MESSAGES)"))[0]);

        await host.DeliverAsync(user, ImapHost.Message("kept"));
        await t.CommandAsync("a8", "EXAMINE INBOX");
        await t.SendAsync($"a9 REPLACE 1 Drafts2 {{{Draft.Length}+}}\r\n{Draft}\r\n");
        Assert.Equal("a9 NO [READ-ONLY] The mailbox is read-only", (await t.UntilTaggedAsync("a9"))[^1]);
        Assert.Equal("* STATUS Drafts2 (MESSAGES 1)", (await t.CommandAsync("b1", "STATUS Drafts2 (MESSAGES)"))[0]);

        // Not in the authenticated state: the literal is skipped and the session goes on.
        await t.CommandAsync("b2", "UNSELECT");
        await t.SendAsync($"b3 REPLACE 1 Drafts2 {{{Draft.Length}+}}\r\n{Draft}\r\n");
        Assert.StartsWith("b3 BAD", (await t.UntilTaggedAsync("b3"))[^1]);
        Assert.Equal("b4 OK NOOP completed", (await t.CommandAsync("b4", "NOOP"))[^1]);
    }
}
