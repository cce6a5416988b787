using System.Text;
using MailKit;
using MailKit.Net.Imap;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>METADATA (RFC 5464): the RFC's examples, its options, limits and error paths, and MailKit's metadata API.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class MetadataTests(ImapHost host)
{
    [Fact]
    public async Task Entries_are_set_read_and_removed_on_a_mailbox_and_on_the_server()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        Assert.Contains(" METADATA", (await t.CommandAsync("a0", "CAPABILITY"))[0]);

        // RFC 5464 §4.3's example, then §4.2's.
        Assert.Equal("a1 OK SETMETADATA completed", (await t.CommandAsync("a1", "SETMETADATA INBOX (/private/comment \"My new comment\")"))[^1]);
        var got = await t.CommandAsync("a2", "GETMETADATA \"INBOX\" /private/comment");
        Assert.Equal("* METADATA INBOX (/private/comment \"My new comment\")", got[0]);
        Assert.Equal("a2 OK GETMETADATA completed", got[1]);

        // Names are compared without regard to case; an entry that does not exist reads as NIL.
        got = await t.CommandAsync("a3", "GETMETADATA INBOX (/PRIVATE/Comment /shared/comment)");
        Assert.Equal("* METADATA INBOX (/private/comment \"My new comment\" /shared/comment NIL)", got[0]);

        // The server's own entries: the user's private ones, and the administrator's read-only shared ones.
        Assert.StartsWith("a4 OK", (await t.CommandAsync("a4", "SETMETADATA \"\" (/private/vendor/example/theme \"dark\")"))[^1]);
        Assert.Equal("* METADATA \"\" (/private/vendor/example/theme \"dark\")", (await t.CommandAsync("a5", "GETMETADATA \"\" /private/vendor/example/theme"))[0]);
        Assert.Equal("a6 NO [NOPERM] The server's shared entries are set by its administrator", (await t.CommandAsync("a6", "SETMETADATA \"\" (/shared/comment \"mine now\")"))[^1]);

        // NIL removes; a removal of nothing is fine too.
        Assert.StartsWith("a7 OK", (await t.CommandAsync("a7", "SETMETADATA INBOX (/private/comment NIL /shared/vendor/x/never NIL)"))[^1]);
        Assert.Equal("* METADATA INBOX (/private/comment NIL)", (await t.CommandAsync("a8", "GETMETADATA INBOX /private/comment"))[0]);
    }

    [Fact]
    public async Task Depth_and_maxsize_choose_what_comes_back_and_longentries_says_what_was_left_out()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a0", "CREATE Box");
        var big = new string('x', 100);
        Assert.StartsWith("a1 OK", (await t.CommandAsync("a1", $"SETMETADATA Box (/shared/vendor/t/a \"1\" /shared/vendor/t/a/b \"2\" /shared/vendor/t/a/b/c \"3\" /shared/vendor/t/ab \"sibling\" /shared/vendor/t/big \"{big}\")"))[^1]);

        Assert.Equal("* METADATA Box (/shared/vendor/t/a \"1\")", (await t.CommandAsync("b1", "GETMETADATA Box /shared/vendor/t/a"))[0]);
        Assert.Equal("* METADATA Box (/shared/vendor/t/a \"1\")", (await t.CommandAsync("b2", "GETMETADATA (DEPTH 0) Box /shared/vendor/t/a"))[0]);
        Assert.Equal("* METADATA Box (/shared/vendor/t/a \"1\" /shared/vendor/t/a/b \"2\")", (await t.CommandAsync("b3", "GETMETADATA (DEPTH 1) Box /shared/vendor/t/a"))[0]);
        Assert.Equal("* METADATA Box (/shared/vendor/t/a \"1\" /shared/vendor/t/a/b \"2\" /shared/vendor/t/a/b/c \"3\")", (await t.CommandAsync("b4", "GETMETADATA (DEPTH infinity) Box /shared/vendor/t/a"))[0]);

        var limited = await t.CommandAsync("c1", "GETMETADATA (MAXSIZE 50) Box (/shared/vendor/t/big /shared/vendor/t/ab)");
        Assert.Equal("* METADATA Box (/shared/vendor/t/ab \"sibling\")", limited[0]);
        Assert.Equal("c1 OK [METADATA LONGENTRIES 100] GETMETADATA completed", limited[1]);
        var both = await t.CommandAsync("c2", "GETMETADATA (MAXSIZE 200 DEPTH 1) Box /shared/vendor/t/big");
        Assert.Equal($"* METADATA Box (/shared/vendor/t/big \"{big}\")", both[0]);
        Assert.Equal("c2 OK GETMETADATA completed", both[1]);
    }

    [Fact]
    public async Task Values_with_line_breaks_and_binary_values_come_back_byte_for_byte()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        await t.SendAsync("a1 SETMETADATA INBOX (/shared/vendor/t/multi {18+}\r\nline one\r\nline two)\r\n");
        Assert.StartsWith("a1 OK", (await t.UntilTaggedAsync("a1"))[^1]);
        await t.SendAsync("a2 GETMETADATA INBOX /shared/vendor/t/multi\r\n");
        var multi = await t.ResponsesUntilTaggedAsync("a2");
        Assert.Equal("* METADATA INBOX (/shared/vendor/t/multi {18}\r\nline one\r\nline two)", multi[0]);

        var binary = new byte[] { 0, 1, 2, 0xff, 0xfe };
        await t.SendAsync([.. "a3 SETMETADATA INBOX (/shared/vendor/t/bin ~{5+}\r\n"u8, .. binary, .. ")\r\n"u8]);
        Assert.StartsWith("a3 OK", (await t.UntilTaggedAsync("a3"))[^1]);
        await t.SendAsync("a4 GETMETADATA INBOX /shared/vendor/t/bin\r\n");
        Assert.Equal("* METADATA INBOX (/shared/vendor/t/bin ~{5}", await t.LineAsync());
        Assert.Equal(binary, await t.BytesAsync(5));
        Assert.Equal(")", await t.LineAsync());
        Assert.StartsWith("a4 OK", await t.LineAsync());
    }

    [Fact]
    public async Task Invalid_names_are_bad_and_limits_are_refused_whole_with_their_response_codes()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        var n = 0;
        foreach (var entry in new[] { "/foo/bar", "/shared", "/shared/", "/shared//comment", "/shared/comment/", "/shared/comment*", "/shared/comm%nt", "\"/shared/c\u00f6mment\"", "comment" })
        {
            Assert.StartsWith($"g{n} BAD", (await t.CommandAsync($"g{n}", $"GETMETADATA INBOX {entry}"))[^1]);
            Assert.StartsWith($"s{n} BAD", (await t.CommandAsync($"s{n}", $"SETMETADATA INBOX ({entry} \"v\")"))[^1]);
            await t.CommandAsync($"n{n}", "NOOP"); // BADs in a row end a session
            n++;
        }

        Assert.StartsWith("b1 BAD", (await t.CommandAsync("b1", "GETMETADATA (DEPTH 2) INBOX /shared/comment"))[^1]);
        Assert.StartsWith("b2 BAD", (await t.CommandAsync("b2", "SETMETADATA INBOX (/shared/comment)"))[^1]);
        await t.CommandAsync("n", "NOOP");
        Assert.StartsWith("b3 BAD", (await t.CommandAsync("b3", "SETMETADATA INBOX ()"))[^1]);
        Assert.Equal("b4 NO [NONEXISTENT] No such mailbox", (await t.CommandAsync("b4", "GETMETADATA Nowhere /shared/comment"))[^1]);
        Assert.Equal("b5 NO [NONEXISTENT] No such mailbox", (await t.CommandAsync("b5", "SETMETADATA Nowhere (/shared/comment \"x\")"))[^1]);

        // One value over the limit: nothing of the command is kept.
        var huge = new string('h', 16 * 1024 + 1);
        await t.SendAsync($"c1 SETMETADATA INBOX (/shared/vendor/t/applied \"no\" /shared/vendor/t/huge {{{huge.Length}+}}\r\n{huge})\r\n");
        Assert.Equal("c1 NO [METADATA MAXSIZE 16384] A value is larger than the server keeps", (await t.UntilTaggedAsync("c1"))[^1]);

        // The user's 256 entries, in eight commands; the 257th is refused with the rest of its command.
        for (var chunk = 0; chunk < 8; chunk++)
        {
            var many = string.Join(' ', Enumerable.Range(chunk * 32, 32).Select(i => $"/shared/vendor/t/many{i} \"{i}\""));
            Assert.StartsWith($"m{chunk} OK", (await t.CommandAsync($"m{chunk}", $"SETMETADATA INBOX ({many})"))[^1]);
        }

        Assert.Equal("c2 NO [METADATA TOOMANY] Too many METADATA entries, or too much in them", (await t.CommandAsync("c2", "SETMETADATA INBOX (/shared/vendor/t/many0 NIL /shared/vendor/t/applied \"no\" /shared/vendor/t/one \"too many\")"))[^1]);
        Assert.Equal("* METADATA INBOX (/shared/vendor/t/applied NIL /shared/vendor/t/many0 \"0\")", (await t.CommandAsync("c3", "GETMETADATA INBOX (/shared/vendor/t/applied /shared/vendor/t/many0)"))[0]);

        // Replacing a value, or removing one to make room, is always allowed at the limit.
        Assert.StartsWith("c4 OK", (await t.CommandAsync("c4", "SETMETADATA INBOX (/shared/vendor/t/many1 \"one\" /shared/vendor/t/many2 NIL /shared/vendor/t/applied \"yes\")"))[^1]);

        Assert.StartsWith("c5 NO [NOPERM]", (await t.CommandAsync("c5", "SETMETADATA INBOX (/private/specialuse \"\\\\Junk\")"))[^1]);
    }

    [Fact]
    public async Task Entries_follow_a_renamed_mailbox_go_with_a_deleted_one_and_outlive_the_session()
    {
        var user = host.NewUser();
        await using (var t = await host.LoggedInAsync(user))
        {
            await t.CommandAsync("a1", "CREATE Projects");
            await t.CommandAsync("a2", "SETMETADATA Projects (/private/comment \"team folder\")");
            await t.CommandAsync("a3", "RENAME Projects Work");
            Assert.Equal("* METADATA Work (/private/comment \"team folder\")", (await t.CommandAsync("a4", "GETMETADATA Work /private/comment"))[0]);
            await t.CommandAsync("a5", "CREATE Gone");
            await t.CommandAsync("a6", "SETMETADATA Gone (/private/comment \"soon gone\")");
            await t.CommandAsync("a7", "DELETE Gone");
            await t.CommandAsync("a8", "CREATE Gone");
            Assert.Equal("* METADATA Gone (/private/comment NIL)", (await t.CommandAsync("a9", "GETMETADATA Gone /private/comment"))[0]);
            Assert.Equal("* METADATA Sent (/private/specialuse \"\\\\Sent\")", (await t.CommandAsync("b1", "GETMETADATA Sent /private/specialuse"))[0]);
        }

        await host.Grains.GetGrain<OrleansMail.Grains.Contracts.IUserGrain>(user).DeactivateAsync();
        await using var again = await host.LoggedInAsync(user);
        Assert.Equal("* METADATA Work (/private/comment \"team folder\")", (await again.CommandAsync("c1", "GETMETADATA Work /private/comment"))[0]);
    }

    [Fact]
    public async Task MailKit_sets_and_reads_mailbox_and_server_metadata()
    {
        var user = host.NewUser();
        using var client = await host.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Metadata));
        await client.Inbox.SetMetadataAsync(new MetadataCollection { new Metadata(MetadataTag.PrivateComment, "from MailKit") });
        Assert.Equal("from MailKit", await client.Inbox.GetMetadataAsync(MetadataTag.PrivateComment));
        await client.SetMetadataAsync(new MetadataCollection { new Metadata(new MetadataTag("/private/vendor/mailkit/seen"), "yes") });
        Assert.Equal("yes", await client.GetMetadataAsync(new MetadataTag("/private/vendor/mailkit/seen")));
        await client.Inbox.SetMetadataAsync(new MetadataCollection { new Metadata(new MetadataTag("/private/comment/detail"), "more") });
        var all = await client.Inbox.GetMetadataAsync(new MetadataOptions { Depth = int.MaxValue }, [MetadataTag.PrivateComment]);
        Assert.Contains(all, m => m.Tag.Id == "/private/comment" && m.Value == "from MailKit");
        Assert.Contains(all, m => m.Tag.Id == "/private/comment/detail" && m.Value == "more");
        await client.DisconnectAsync(true);
    }
}
