using System.Text.RegularExpressions;
using OrleansMail.Imap.Protocol;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>CATENATE (RFC 4469): a message composed on the server from text and the user's own messages and parts, as a client forwarding an attachment does.</summary>
[Collection(ImapHostCollection.Name)]
public sealed partial class CatenateTests(ImapHost host)
{
    private const string Original = "From: a@example.org\r\nSubject: original\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n"
        + "--x\r\nContent-Type: text/plain\r\n\r\nThe first part.\r\n--x\r\nContent-Type: text/plain\r\n\r\nThe second part.\r\n--x--\r\n";

    [Theory]
    [InlineData("/INBOX;UIDVALIDITY=385759045/;UID=20/;SECTION=1.2", "INBOX", 385759045u, 20u, "1.2")]
    [InlineData("imap://joe@example.com/Sent%20Items/;UID=7", "Sent Items", null, 7u, "")]
    [InlineData(";UID=3/;SECTION=HEADER.FIELDS%20(SUBJECT)/;PARTIAL=0.64", null, null, 3u, "HEADER.FIELDS (SUBJECT)")]
    [InlineData("/Entw%C3%BCrfe/Alt/;UID=1", "Entwürfe/Alt", null, 1u, "")]
    public void Urls_of_rfc5092_parse_into_mailbox_uid_and_section(string text, string? mailbox, uint? validity, uint uid, string section)
    {
        Assert.True(ImapUrl.TryParse(text, out var url));
        Assert.Equal((mailbox, validity, uid, section), (url.Mailbox, url.UidValidity, url.Uid, url.Section));
    }

    [Theory]
    [InlineData("/INBOX/;UID=0")]
    [InlineData("/INBOX")]
    [InlineData("http://example.com/INBOX/;UID=1")]
    [InlineData("/INBOX/;UID=1/;PARTIAL=0.0")]
    public void Urls_that_name_no_message_do_not_parse(string text) => Assert.False(ImapUrl.TryParse(text, out _));

    [Fact]
    public async Task Catenate_builds_a_message_from_text_a_whole_message_and_a_section_of_another()
    {
        var user = host.NewUser();
        Assert.StartsWith("250", await host.DeliverAsync(user, Original));
        await using var t = await host.LoggedInAsync(user);
        Assert.Contains("CATENATE", (await t.CommandAsync("a1", "CAPABILITY"))[0]);
        var status = (await t.CommandAsync("a2", "STATUS INBOX (UIDVALIDITY)"))[0];
        var validity = ValidityRegex().Match(status).Groups[1].Value;
        const string Head = "From: b@example.org\r\nSubject: forwarded\r\n\r\nSee below: ";
        await t.SendAsync($"a3 APPEND INBOX (\\Seen) CATENATE (TEXT {{{Head.Length}+}}\r\n{Head} URL \"/INBOX;UIDVALIDITY={validity}/;UID=1/;SECTION=2\" TEXT {{2+}}\r\n\r\n)\r\n");
        Assert.Matches(@"^a3 OK \[APPENDUID \d+ 2\]", (await t.UntilTaggedAsync("a3"))[^1]);
        await t.CommandAsync("a4", "SELECT INBOX");
        await t.SendAsync("a5 UID FETCH 2 (FLAGS BODY.PEEK[])\r\n");
        var fetched = (await t.ResponsesUntilTaggedAsync("a5"))[0];
        Assert.Contains("\\Seen", fetched);
        Assert.EndsWith(Head + "The second part.\r\n)", fetched);

        // Relative to the selected mailbox, a header field and a partial range.
        await t.SendAsync("a6 APPEND INBOX CATENATE (URL \";UID=1/;SECTION=HEADER.FIELDS%20(SUBJECT)\" TEXT {6+}\r\nBody.\n URL \";UID=1/;SECTION=1/;PARTIAL=4.5\")\r\n");
        Assert.StartsWith("a6 OK", (await t.UntilTaggedAsync("a6"))[^1]);
        await t.SendAsync("a7 UID FETCH 3 (BODY.PEEK[])\r\n");
        Assert.EndsWith("Subject: original\r\n\r\nBody.\nfirst)", (await t.ResponsesUntilTaggedAsync("a7"))[0]);
    }

    [Fact]
    public async Task Urls_that_name_nothing_of_this_user_are_badurl_and_nothing_is_saved()
    {
        var user = host.NewUser();
        Assert.StartsWith("250", await host.DeliverAsync(user, Original));
        await using var t = await host.LoggedInAsync(user);
        foreach (var url in new[] { "/INBOX/;UID=99", "/INBOX;UIDVALIDITY=1/;UID=1", "/Nowhere/;UID=1", "imap://someone-else@host/INBOX/;UID=1", "not a url" })
        {
            var answer = (await t.CommandAsync("b1", $"APPEND INBOX CATENATE (URL \"{url}\")"))[^1];
            Assert.Equal($"b1 NO [BADURL {url}] The URL names nothing this user has", answer);
        }

        Assert.StartsWith("b2 BAD", (await t.CommandAsync("b2", "APPEND INBOX CATENATE ()"))[^1]);

        // Many tiny URLs are bounded by count: each costs grain calls and a store read.
        var many = string.Join(' ', Enumerable.Repeat("URL /INBOX/;UID=1", 101));
        Assert.Equal("b4 NO [LIMIT] CATENATE takes at most 100 parts", (await t.CommandAsync("b4", $"APPEND INBOX CATENATE ({many})"))[^1]);
        Assert.Equal("* STATUS INBOX (MESSAGES 1)", (await t.CommandAsync("b3", "STATUS INBOX (MESSAGES)"))[0]);
    }

    [Fact]
    public async Task A_composed_message_past_the_size_limit_is_toobig_before_its_parts_are_read_and_one_within_it_is_whole()
    {
        var user = host.NewUser();
        var large = "Subject: large\r\n\r\n" + string.Concat(Enumerable.Range(0, 2800).Select(i => $"line {i:D6} of a large message to forward whole, long enough.\r\n"));
        Assert.InRange(large.Length, (ImapHost.MaxSize / 2) + 1, ImapHost.MaxSize - 100);
        Assert.StartsWith("250", await host.DeliverAsync(user, large));
        await using var t = await host.LoggedInAsync(user);

        Assert.Equal($"c1 NO [TOOBIG] The message would be larger than {ImapHost.MaxSize} bytes", (await t.CommandAsync("c1", "APPEND INBOX CATENATE (URL \"/INBOX/;UID=1\" URL \"/INBOX/;UID=1\")"))[^1]);
        Assert.Equal("* STATUS INBOX (MESSAGES 1)", (await t.CommandAsync("c2", "STATUS INBOX (MESSAGES)"))[0]);

        await t.SendAsync("c3 APPEND INBOX CATENATE (TEXT {6+}\r\nX: y\r\n URL \"/INBOX/;UID=1\")\r\n");
        Assert.StartsWith("c3 OK", (await t.UntilTaggedAsync("c3"))[^1]);
        await t.CommandAsync("c4", "SELECT INBOX");
        var stored = long.Parse(Regex.Match((await t.CommandAsync("c5", "FETCH 1 (RFC822.SIZE)"))[0], @"RFC822.SIZE (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"* 2 FETCH (RFC822.SIZE {stored + 6})", await t.CommandAsync("c6", "FETCH 2 (RFC822.SIZE)"));
    }

    [GeneratedRegex(@"UIDVALIDITY (\d+)")]
    private static partial Regex ValidityRegex();
}
