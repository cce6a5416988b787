using System.Text;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.Mail;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.ObjectStore;
using Xunit;

namespace OrleansMail.Lmtp.Tests;

/// <summary>LMTP over a real socket against the real silo host: RFC 2033 transcripts, every reply code we give.</summary>
[Collection(LmtpHostCollection.Name)]
public sealed class LmtpTranscriptTests(LmtpHost host)
{
    private async Task<LmtpTranscript> GreetedAsync()
    {
        var t = await host.ConnectAsync();
        Assert.StartsWith("220 mx.test", await t.ReplyAsync(), StringComparison.Ordinal);
        await t.SendAsync("LHLO client.test\r\n");
        var lhlo = await t.ReplyAsync();
        Assert.Contains("250-PIPELINING", lhlo, StringComparison.Ordinal);
        Assert.Contains("250-ENHANCEDSTATUSCODES", lhlo, StringComparison.Ordinal);
        Assert.Contains("250-CHUNKING", lhlo, StringComparison.Ordinal);
        Assert.Contains($"250-SIZE {LmtpHost.MaxSize}", lhlo, StringComparison.Ordinal);
        Assert.EndsWith("250 SMTPUTF8", lhlo, StringComparison.Ordinal);
        return t;
    }

    /// <summary>The user's last message as every reader composes it (its own object, and the content stored once when shared).</summary>
    private async Task<byte[]> LastStoredBodyAsync(string user)
    {
        var grain = host.Grains.GetGrain<IUserGrain>(user);
        var inbox = await grain.GetMailboxAsync("INBOX");
        var last = (await grain.FetchAsync(inbox.Id, UidSet.Range(1, uint.MaxValue))).Last();
        return await new MessageBodies(host.Store, new BodyCacheOptions()).ReadAsync(user, last.BodyId);
    }

    [Fact]
    public async Task Pipelined_delivery_answers_once_per_accepted_recipient_and_refuses_unknown_users_at_rcpt()
    {
        await using var t = await GreetedAsync();
        await t.SendAsync("MAIL FROM:<sender@remote.test>\r\nRCPT TO:<Alice@Example.org>\r\nRCPT TO:<nobody@example.org>\r\nRCPT TO:<bob+Lists@example.org>\r\nDATA\r\n");
        var replies = await t.RepliesAsync(5);
        Assert.Equal("250 2.1.0 OK", replies[0]);
        Assert.Equal("250 2.1.5 OK", replies[1]);
        Assert.StartsWith("550 5.1.1 <nobody@example.org>", replies[2], StringComparison.Ordinal);
        Assert.Equal("250 2.1.5 OK", replies[3]);
        Assert.StartsWith("354", replies[4], StringComparison.Ordinal);
        await t.SendAsync("Subject: pipelined\r\nMessage-ID: <p1@remote.test>\r\n\r\nBody line\r\n..dot line\r\n.\r\n");
        var outcomes = await t.RepliesAsync(2);
        Assert.StartsWith("250 2.0.0 <Alice@Example.org>", outcomes[0], StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0 <bob+Lists@example.org>", outcomes[1], StringComparison.Ordinal);
        await t.SendAsync("QUIT\r\n");
        Assert.StartsWith("221 2.0.0", await t.ReplyAsync(), StringComparison.Ordinal);

        var stored = Encoding.UTF8.GetString(await LastStoredBodyAsync("alice"));
        Assert.StartsWith("Return-Path: <sender@remote.test>\r\nDelivered-To: Alice@Example.org\r\nReceived: from client.test", stored, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nBody line\r\n.dot line\r\n", stored, StringComparison.Ordinal);

        // "+Lists" names no folder of bob's, so the copy lands in INBOX (lmtp_save_to_detail_mailbox).
        Assert.Contains("Subject: pipelined", Encoding.UTF8.GetString(await LastStoredBodyAsync("bob")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_next_transaction_pipelined_with_the_end_of_data_is_answered_without_more_bytes()
    {
        // RFC 2920: a client may send the next MAIL/RCPT/DATA in the same packet as the previous message's end, then
        // wait for all the replies. Undefended, the rest of the packet was marked examined and waited for more bytes.
        await using var t = await GreetedAsync();
        await t.SendAsync("MAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
        await t.RepliesAsync(3);
        const string Tail = "Subject: pipelined end\r\n\r\nbody\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n";
        var before = (await host.Grains.GetGrain<IUserGrain>("alice").GetMailboxAsync("INBOX")).Messages;
        for (var split = 0; split <= Tail.Length; split++)
        {
            await t.SendAsync(Tail[..split]);
            await Task.Delay(2);
            await t.SendAsync(Tail[split..]);
            var replies = await t.RepliesAsync(4);
            Assert.StartsWith("250 2.0.0 <alice@example.org>", replies[0], StringComparison.Ordinal);
            Assert.Equal("250 2.1.0 OK", replies[1]);
            Assert.Equal("250 2.1.5 OK", replies[2]);
            Assert.StartsWith("354", replies[3], StringComparison.Ordinal);
        }

        await t.SendAsync("last\r\n.\r\nQUIT\r\n");
        Assert.StartsWith("250 2.0.0", await t.ReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("221", await t.ReplyAsync(), StringComparison.Ordinal);
        Assert.Equal(before + Tail.Length + 2, (await host.Grains.GetGrain<IUserGrain>("alice").GetMailboxAsync("INBOX")).Messages);
    }

    [Fact]
    public async Task A_detail_that_names_an_existing_folder_delivers_into_it()
    {
        var alice = host.Grains.GetGrain<IUserGrain>("alice");
        var folder = await alice.CreateMailboxAsync("Newsletters-" + Guid.NewGuid().ToString("N")[..6]);
        await using var t = await GreetedAsync();
        await t.SendAsync($"MAIL FROM:<>\r\nRCPT TO:<alice+{folder.Name}@example.org>\r\nDATA\r\n");
        await t.RepliesAsync(3);
        await t.SendAsync("Subject: news\r\n\r\nx\r\n.\r\n");
        Assert.StartsWith("250 2.0.0", await t.ReplyAsync(), StringComparison.Ordinal);
        Assert.Equal(1, (await alice.GetMailboxAsync(folder.Name)).Messages);
    }

    [Fact]
    public async Task A_detail_matches_existing_folders_exactly_and_never_creates_one()
    {
        // Undefended: "+SENT" created a new \Sent folder, and names matched without case.
        var alice = host.Grains.GetGrain<IUserGrain>("alice");
        var folder = await alice.CreateMailboxAsync("Receipts-" + Guid.NewGuid().ToString("N")[..6]);
        var before = (await alice.ListMailboxesAsync()).Select(m => m.Name).ToHashSet();
        var inbox = (await alice.GetMailboxAsync("INBOX")).Messages;
        foreach (var detail in new[] { "SENT", "trash", folder.Name.ToUpperInvariant(), "New/Folder" })
        {
            await using var t = await GreetedAsync();
            await t.SendAsync($"MAIL FROM:<>\r\nRCPT TO:<alice+{detail}@example.org>\r\nDATA\r\n");
            await t.RepliesAsync(3);
            await t.SendAsync("Subject: misfiled\r\n\r\nx\r\n.\r\n");
            Assert.StartsWith("250 2.0.0", await t.ReplyAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(before, (await alice.ListMailboxesAsync()).Select(m => m.Name).ToHashSet());
        Assert.Equal(0, (await alice.GetMailboxAsync(folder.Name)).Messages);
        Assert.Equal(inbox + 4, (await alice.GetMailboxAsync("INBOX")).Messages);
    }

    [Fact]
    public async Task Bdat_chunks_are_stored_byte_exact_with_8bit_and_smtputf8()
    {
        await using var t = await GreetedAsync();
        var part1 = Encoding.UTF8.GetBytes("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nFrom: 用户@例子.广告\r\n\r\n");
        var part2 = Encoding.UTF8.GetBytes("Grüße, ünïcödé body\r\n.not stuffed in BDAT\r\n");
        await t.SendAsync("MAIL FROM:<用户@例子.广告> SMTPUTF8 BODY=8BITMIME\r\nRCPT TO:<alice@example.org>\r\n");
        await t.RepliesAsync(2);
        await t.SendAsync(Encoding.ASCII.GetBytes($"BDAT {part1.Length}\r\n").Concat(part1).ToArray());
        Assert.StartsWith("250 2.0.0", await t.ReplyAsync(), StringComparison.Ordinal);
        await t.SendAsync(Encoding.ASCII.GetBytes($"BDAT {part2.Length} LAST\r\n").Concat(part2).ToArray());
        Assert.StartsWith("250 2.0.0 <alice@example.org>", await t.ReplyAsync(), StringComparison.Ordinal);
        var stored = await LastStoredBodyAsync("alice");
        Assert.Equal(part1.Concat(part2).ToArray(), stored[^(part1.Length + part2.Length)..]);
        Assert.Contains("Return-Path: <用户@例子.广告>", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sequence_and_syntax_errors_get_5xx_and_the_session_goes_on()
    {
        await using var t = await host.ConnectAsync();
        await t.ReplyAsync();
        await t.SendAsync("HELO x\r\n");
        Assert.StartsWith("500 5.5.1", await t.ReplyAsync(), StringComparison.Ordinal);
        await t.SendAsync("MAIL FROM:<a@b.c>\r\n");
        Assert.StartsWith("503 5.5.1", await t.ReplyAsync(), StringComparison.Ordinal);
        await t.SendAsync("LHLO x\r\n");
        await t.ReplyAsync();
        await t.SendAsync("RCPT TO:<alice@example.org>\r\n");
        Assert.StartsWith("503 5.5.1", await t.ReplyAsync(), StringComparison.Ordinal);
        await t.SendAsync("MAIL FROM:<a@b.c>\r\nDATA\r\n");
        Assert.StartsWith("250", await t.ReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("503 5.5.1", await t.ReplyAsync(), StringComparison.Ordinal);
        await t.SendAsync("MAIL FROM:<a@b.c>\r\n");
        Assert.StartsWith("503 5.5.1", await t.ReplyAsync(), StringComparison.Ordinal);
        await t.SendAsync("RCPT alice\r\n");
        Assert.StartsWith("501 5.5.4", await t.ReplyAsync(), StringComparison.Ordinal);
        await t.SendAsync("FROB\r\n");
        Assert.StartsWith("500 5.5.1", await t.ReplyAsync(), StringComparison.Ordinal);
        await t.SendAsync(new string('x', 5000) + "\r\n");
        Assert.StartsWith("500 5.5.2", await t.ReplyAsync(), StringComparison.Ordinal);
        await t.SendAsync("VRFY alice\r\nNOOP\r\nRSET\r\n");
        Assert.StartsWith("252 2.3.3", await t.ReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("250 2.0.0 OK", await t.ReplyAsync());
        Assert.Equal("250 2.0.0 OK", await t.ReplyAsync());
        await t.SendAsync("QUIT\r\n");
        Assert.StartsWith("221", await t.ReplyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversize_is_refused_by_declared_size_and_after_data_and_the_session_stays_usable()
    {
        await using var t = await GreetedAsync();
        await t.SendAsync($"MAIL FROM:<a@b.c> SIZE={LmtpHost.MaxSize + 1}\r\n");
        Assert.StartsWith("552 5.3.4", await t.ReplyAsync(), StringComparison.Ordinal);

        await t.SendAsync("MAIL FROM:<a@b.c>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
        await t.RepliesAsync(4);
        var line = new string('y', 998) + "\r\n";
        var big = new StringBuilder("Subject: big\r\n\r\n");
        while (big.Length < LmtpHost.MaxSize + 10_000)
        {
            big.Append(line);
        }

        await t.SendAsync(big.Append(".\r\n").ToString());
        var replies = await t.RepliesAsync(2);
        Assert.All(replies, r => Assert.StartsWith("552 5.3.4", r, StringComparison.Ordinal));

        await t.SendAsync("MAIL FROM:<a@b.c>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
        await t.RepliesAsync(3);
        await t.SendAsync("Subject: small\r\n\r\nfits\r\n.\r\n");
        Assert.StartsWith("250 2.0.0", await t.ReplyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recipient_over_quota_gets_452_4_2_2_when_configured_temporary_and_the_others_their_copy()
    {
        var carol = host.Grains.GetGrain<IUserGrain>("carol");
        await using var t = await GreetedAsync();

        // The last message that fits is taken; carol (one message allowed) is then full.
        await t.SendAsync("MAIL FROM:<a@b.c>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<carol@example.org>\r\nDATA\r\n");
        Assert.Equal(["250 2.1.0 OK", "250 2.1.5 OK", "250 2.1.5 OK"], (await t.RepliesAsync(4))[..3]);
        await t.SendAsync("Subject: quota round 1\r\n\r\nx\r\n.\r\n");
        var outcomes = await t.RepliesAsync(2);
        Assert.StartsWith("250 2.0.0 <alice@example.org>", outcomes[0], StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0 <carol@example.org>", outcomes[1], StringComparison.Ordinal);

        // Full: refused at RCPT, before the body is sent or stored, and alice still gets hers.
        await t.SendAsync("MAIL FROM:<a@b.c>\r\nRCPT TO:<carol@example.org>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
        var replies = await t.RepliesAsync(4);
        Assert.Equal("452 4.2.2 <carol@example.org> Quota exceeded (mailbox full)", replies[1]);
        Assert.Equal("250 2.1.5 OK", replies[2]);
        await t.SendAsync("Subject: quota round 2\r\n\r\nx\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 <alice@example.org>", await t.ReplyAsync(), StringComparison.Ordinal);

        Assert.Equal(1, (await carol.GetQuotaUsageAsync()).Messages);
        Assert.Equal(1, (await carol.GetMailboxAsync("INBOX")).Messages);
    }

    [Fact]
    public async Task A_store_outage_is_451_per_recipient_never_5xx_and_nothing_is_acknowledged()
    {
        var alice = host.Grains.GetGrain<IUserGrain>("alice");
        var before = (await alice.GetMailboxAsync("INBOX")).Messages;
        await using var t = await GreetedAsync();
        await t.SendAsync("MAIL FROM:<a@b.c>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
        await t.RepliesAsync(3);
        host.Faults.Down = true;
        try
        {
            await t.SendAsync("Subject: during outage\r\n\r\nx\r\n.\r\n");
            Assert.StartsWith("451 4.3.0 <alice@example.org>", await t.ReplyAsync(), StringComparison.Ordinal);
        }
        finally
        {
            host.Faults.Down = false;
        }

        await t.SendAsync("MAIL FROM:<a@b.c>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
        await t.RepliesAsync(3);
        await t.SendAsync("Subject: after outage\r\n\r\nx\r\n.\r\n");
        Assert.StartsWith("250 2.0.0", await t.ReplyAsync(), StringComparison.Ordinal);
        Assert.Equal(before + 1, (await alice.GetMailboxAsync("INBOX")).Messages);
    }
}
