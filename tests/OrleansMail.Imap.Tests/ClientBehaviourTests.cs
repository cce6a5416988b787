using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// The command sequences popular clients send at startup and while syncing, replayed over a socket: every command
/// must end OK and every response must be well formed (balanced lists, quoted strings closed, literals as announced).
/// </summary>
/// <remarks>
/// Note: the sequences are reconstructed from the clients' own sources and published protocol logs
/// (Thunderbird's nsImapProtocol.cpp, mutt's imap/command.c and message.c, Apple Mail and Outlook logs posted
/// to the Dovecot and Cyrus mailing lists); each keeps its client's spelling, case and quirks.
/// </remarks>
[Collection(ImapHostCollection.Name)]
public sealed partial class ClientBehaviourTests(ImapHost host)
{
    private async Task<string> MailboxWithMailAsync()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("Hello", "First message", "Ann <ann@example.org>"));
        await host.DeliverAsync(user, ImapHost.Message("=?ISO-8859-1?Q?Gr=FC=DFe?=", "Zweite Nachricht", "\"Müller, Hans\" <hans@example.de>"));
        await host.DeliverAsync(user, "From: list@example.org\r\nSubject: multipart\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nplain\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b--\r\n");
        return user;
    }

    private async Task ReplayAsync(string user, params string[] commands)
    {
        await using var t = await host.TranscriptAsync();
        Assert.True(WellFormed(t.Greeting), t.Greeting);
        var n = 0;
        foreach (var template in commands)
        {
            var tag = $"c{++n}";
            var command = template.Replace("{user}", user, StringComparison.Ordinal)
                .Replace("{plain}", Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0secret")), StringComparison.Ordinal);
            List<string> responses;
            if (command == "IDLE")
            {
                await t.SendAsync($"{tag} IDLE\r\n");
                Assert.Equal("+ idling", await t.LineAsync());
                await t.SendAsync("DONE\r\n");
                responses = await t.ResponsesUntilTaggedAsync(tag);
            }
            else
            {
                await t.SendAsync($"{tag} {command}\r\n");
                responses = await t.ResponsesUntilTaggedAsync(tag);
            }

            Assert.True(responses[^1].StartsWith($"{tag} OK", StringComparison.Ordinal), $"{command} -> {responses[^1]}");
            foreach (var response in responses)
            {
                Assert.True(WellFormed(response), $"{command} -> malformed: {response}");
            }
        }
    }

    /// <summary>Checks the response grammar a client's tokenizer depends on (RFC 3501 §9 / §7).</summary>
    private static bool WellFormed(string response)
    {
        if (!StartRegex().IsMatch(response))
        {
            return false;
        }

        var depth = 0;
        for (var i = 0; i < response.Length; i++)
        {
            var c = response[i];
            if (c == '"')
            {
                i++;
                while (i < response.Length && response[i] != '"')
                {
                    if (response[i] == '\\')
                    {
                        i++;
                    }
                    else if (response[i] is '\r' or '\n' || response[i] > 0x7f)
                    {
                        return false; // quoted strings are 7-bit text without line breaks
                    }

                    i++;
                }

                if (i >= response.Length)
                {
                    return false;
                }
            }
            else if (c == '{')
            {
                var close = response.IndexOf("}\r\n", i, StringComparison.Ordinal);
                if (close < 0)
                {
                    return false;
                }

                var length = int.Parse(response.AsSpan(i + 1, close - i - 1), System.Globalization.CultureInfo.InvariantCulture);
                var start = close + 3;
                var end = start;
                var bytes = 0;
                while (bytes < length && end < response.Length)
                {
                    bytes += Encoding.UTF8.GetByteCount(response.AsSpan(end, 1));
                    end++;
                }

                if (bytes != length)
                {
                    return false;
                }

                i = end - 1;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth < 0)
            {
                return false;
            }
            else if (c == '[')
            {
                // Response codes and section labels close on the same line.
                if (response.IndexOf(']', i) < 0)
                {
                    return false;
                }
            }
        }

        return depth == 0;
    }

    [GeneratedRegex(@"^(\* |\+ |[A-Za-z0-9.]+ (OK|NO|BAD) )")]
    private static partial Regex StartRegex();

    [Fact]
    public async Task Thunderbird_startup_and_sync()
    {
        var user = await MailboxWithMailAsync();
        await ReplayAsync(
            user,
            "capability",
            "authenticate PLAIN {plain}",
            "namespace",
            "ID (\"name\" \"Thunderbird\" \"version\" \"128.5.0\")",
            "list (SUBSCRIBED) \"\" \"*\" RETURN (SPECIAL-USE)",
            "list (SPECIAL-USE) \"\" \"*\"",
            "list \"\" \"INBOX\"",
            "select \"INBOX\"",
            "UID fetch 1:* (FLAGS)",
            "IDLE",
            "UID fetch 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])",
            "UID fetch 3 (UID RFC822.SIZE BODY.PEEK[])",
            "UID fetch 3 (UID RFC822.SIZE BODYSTRUCTURE)",
            "UID fetch 3 (UID RFC822.SIZE BODY.PEEK[1.MIME] BODY.PEEK[1])",
            "uid store 3 +Flags (\\Seen)",
            "STATUS \"Sent\" (UIDNEXT MESSAGES UNSEEN RECENT)",
            "noop",
            "logout");
    }

    [Fact]
    public async Task Apple_Mail_startup_and_sync()
    {
        var user = await MailboxWithMailAsync();
        await ReplayAsync(
            user,
            "CAPABILITY",
            "AUTHENTICATE PLAIN {plain}",
            "ID (\"name\" \"Mac OS X Mail\" \"version\" \"16.0 (3774.300.61.1.2)\" \"os\" \"Mac OS X\" \"os-version\" \"14.5 (23F79)\" \"vendor\" \"Apple Inc.\")",
            "LIST \"\" \"\"",
            "LIST \"\" \"*\" RETURN (CHILDREN SPECIAL-USE)",
            "LSUB \"\" \"*\"",
            "NAMESPACE",
            "STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)",
            "SELECT INBOX",
            "FETCH 1:* (FLAGS UID)",
            "UID FETCH 1:* (INTERNALDATE UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (date subject from to cc message-id in-reply-to references content-type x-priority x-uniform-type-identifier x-universally-unique-identifier list-id list-unsubscribe bimi-indicator bimi-location x-bimi-indicator-hash authentication-results dkim-signature)])",
            "UID FETCH 2 (BODYSTRUCTURE BODY.PEEK[HEADER])",
            "UID FETCH 2 BODY.PEEK[1]<0.10240>",
            "UID STORE 2 +FLAGS.SILENT (\\Seen)",
            "IDLE",
            "UID SEARCH UNDELETED",
            "LOGOUT");
    }

    [Fact]
    public async Task Outlook_startup_and_sync()
    {
        var user = await MailboxWithMailAsync();
        await ReplayAsync(
            user,
            "CAPABILITY",
            "LOGIN \"{user}\" \"secret\"",
            "CAPABILITY",
            "LIST \"\" \"*\"",
            "LSUB \"\" \"*\"",
            "SELECT \"INBOX\"",
            "UID FETCH 1:* (UID FLAGS)",
            "UID FETCH 1:3 (UID RFC822.SIZE FLAGS INTERNALDATE BODY.PEEK[HEADER])",
            "UID FETCH 1 (BODY.PEEK[] UID)",
            "UID STORE 1 +FLAGS (\\Seen)",
            "CREATE \"Deleted Items\"",
            "UID COPY 1 \"Deleted Items\"",
            "UID STORE 1 +FLAGS (\\Deleted)",
            "UID EXPUNGE 1",
            "NOOP",
            "LOGOUT");
    }

    [Fact]
    public async Task Mutt_startup_and_read()
    {
        var user = await MailboxWithMailAsync();
        await ReplayAsync(
            user,
            "CAPABILITY",
            "AUTHENTICATE PLAIN {plain}",
            "LIST \"\" \"\"",
            "LSUB \"\" \"*\"",
            "STATUS \"INBOX\" (MESSAGES)",
            "SELECT \"INBOX\"",
            "UID FETCH 1:* (UID FLAGS)",
            "FETCH 1:3 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM SENDER SUBJECT TO CC MESSAGE-ID REFERENCES CONTENT-TYPE CONTENT-DESCRIPTION IN-REPLY-TO REPLY-TO LINES LIST-POST LIST-SUBSCRIBE LIST-UNSUBSCRIBE X-LABEL X-ORIGINAL-TO)])",
            "UID FETCH 2 BODY.PEEK[]",
            "UID STORE 2 +FLAGS.SILENT (\\Seen)",
            "CHECK",
            "EXPUNGE",
            "CLOSE",
            "LOGOUT");
    }
}
