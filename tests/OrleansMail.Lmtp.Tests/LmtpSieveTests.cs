using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Lmtp.Tests;

/// <summary>Sieve at delivery, over a real LMTP socket: each recipient's own script decides, and its reply says so.</summary>
[Collection(LmtpHostCollection.Name)]
public sealed class LmtpSieveTests(LmtpHost host)
{
    private const string Script = """
        require ["fileinto", "imap4flags", "mailbox", "reject"];
        if header :contains "subject" "list" { fileinto :create :flags "\\Seen $List" "Lists/Dev"; stop; }
        if header :contains "subject" "spam" { discard; stop; }
        if header :contains "subject" "go away" { reject "Not wanted
        here."; stop; }
        if header :contains "subject" "missing" { fileinto "Nowhere"; stop; }
        addflag "\\Flagged";
        """;

    [Fact]
    public async Task Fileinto_discard_reject_and_keep_each_answer_for_their_recipient_and_store_what_they_say()
    {
        var dave = host.Grains.GetGrain<IUserGrain>("dave");
        await dave.PutSieveScriptAsync("main", Script);
        await dave.SetActiveSieveScriptAsync("main");

        await using var t = await host.ConnectAsync();
        await t.ReplyAsync();
        await t.SendAsync("LHLO client.test\r\n");
        await t.ReplyAsync();
        async Task<string[]> DeliverAsync(string subject, params string[] recipients)
        {
            await t.SendAsync($"MAIL FROM:<sender@remote.test>\r\n{string.Concat(recipients.Select(r => $"RCPT TO:<{r}>\r\n"))}DATA\r\n");
            await t.RepliesAsync(2 + recipients.Length);
            await t.SendAsync($"Subject: {subject}\r\nFrom: sender@remote.test\r\n\r\nbody\r\n.\r\n");
            return await t.RepliesAsync(recipients.Length);
        }

        Assert.StartsWith("250 2.0.0 <dave@example.org> Saved as uid", (await DeliverAsync("the dev list", "dave@example.org"))[0], StringComparison.Ordinal);
        Assert.Equal("250 2.0.0 <dave@example.org> Discarded by the recipient's filter", (await DeliverAsync("cheap spam", "dave@example.org"))[0]);

        // One transaction, two recipients: dave's script refuses it, erin (no script) gets it.
        var both = await DeliverAsync("go away", "dave@example.org", "erin@example.org");
        Assert.Equal("550 5.7.1 <dave@example.org> Not wanted here.", both[0]);
        Assert.StartsWith("250 2.0.0 <erin@example.org> Saved as uid", both[1], StringComparison.Ordinal);

        Assert.StartsWith("250", (await DeliverAsync("missing folder", "dave@example.org"))[0], StringComparison.Ordinal);
        Assert.StartsWith("250", (await DeliverAsync("hello", "dave@example.org"))[0], StringComparison.Ordinal);

        var boxes = await dave.ListMailboxesAsync();
        Assert.DoesNotContain(boxes, m => m.Name == "Nowhere");
        var list = Assert.Single(await dave.FetchAsync(boxes.Single(m => m.Name == "Lists/Dev").Id, UidSet.Range(1, uint.MaxValue)));
        Assert.Equal(MessageFlags.Seen, list.Flags);
        Assert.Equal(["$List"], list.Keywords);
        var inbox = await dave.FetchAsync(boxes.Single(m => m.Name == "INBOX").Id, UidSet.Range(1, uint.MaxValue));
        Assert.Equal([MessageFlags.None, MessageFlags.Flagged], inbox.Select(m => m.Flags));
        Assert.Single(await host.Grains.GetGrain<IUserGrain>("erin").FetchAsync((await host.Grains.GetGrain<IUserGrain>("erin").GetMailboxAsync("INBOX")).Id, UidSet.Range(1, uint.MaxValue)));

        // A run that fails (more actions than allowed) keeps the message: a script never loses mail.
        var runaway = "require \"fileinto\";\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"fileinto \"box{i}\";\n"));
        await dave.PutSieveScriptAsync("runaway", runaway);
        await dave.SetActiveSieveScriptAsync("runaway");
        Assert.StartsWith("250", (await DeliverAsync("anything", "dave@example.org"))[0], StringComparison.Ordinal);
        Assert.Equal(3, (await dave.FetchAsync(boxes.Single(m => m.Name == "INBOX").Id, UidSet.Range(1, uint.MaxValue))).Length);
        await dave.SetActiveSieveScriptAsync(null);
    }

    [Fact]
    public async Task A_reject_reason_goes_to_the_MTA_as_one_line_of_printable_ASCII()
    {
        var frank = host.Grains.GetGrain<IUserGrain>("frank");
        await frank.PutSieveScriptAsync("reject", "require \"reject\";\nreject text:\nNein danke \u2014 \u00fc\tbye\nsecond line\n.\n;");
        await frank.SetActiveSieveScriptAsync("reject");
        try
        {
            await using var t = await host.ConnectAsync();
            await t.ReplyAsync();
            await t.SendAsync("LHLO client.test\r\n");
            await t.ReplyAsync();
            await t.SendAsync("MAIL FROM:<sender@remote.test>\r\nRCPT TO:<frank@example.org>\r\nDATA\r\n");
            await t.RepliesAsync(3);
            await t.SendAsync("Subject: x\r\n\r\nbody\r\n.\r\n");
            Assert.Equal("550 5.7.1 <frank@example.org> Nein danke ? ? bye second line", await t.ReplyAsync());
        }
        finally
        {
            await frank.SetActiveSieveScriptAsync(null);
        }
    }

    [Fact]
    public async Task A_script_is_checked_when_stored_and_the_active_one_cannot_be_deleted()
    {
        var erin = host.Grains.GetGrain<IUserGrain>("erin");
        var bad = await Assert.ThrowsAsync<MailStoreException>(() => erin.PutSieveScriptAsync("bad", "require \"fileinto\";\nfileinto \"x\"\n"));
        Assert.Equal(MailStoreErrorKind.Invalid, bad.Kind);
        Assert.StartsWith("line 3, column 1: expected ; or a block", bad.Message, StringComparison.Ordinal);

        // No relay to send through: redirect is refused now, not when a message arrives.
        var redirect = await Assert.ThrowsAsync<MailStoreException>(() => erin.PutSieveScriptAsync("fwd", "redirect \"someone@example.net\";"));
        Assert.Contains("submission relay", redirect.Message, StringComparison.Ordinal);
        var vacation = await Assert.ThrowsAsync<MailStoreException>(() => erin.PutSieveScriptAsync("away", "require \"vacation\";\nvacation \"Away.\";"));
        Assert.Equal("line 1, column 1: vacation needs a submission relay, and this server has none", vacation.Message);

        await erin.PutSieveScriptAsync("one", "keep;");
        await erin.PutSieveScriptAsync("two", "discard;");
        await erin.SetActiveSieveScriptAsync("one");
        Assert.Equal([new SieveScriptInfo("one", true), new SieveScriptInfo("two", false)], await erin.ListSieveScriptsAsync());
        Assert.Equal(MailStoreErrorKind.InUse, (await Assert.ThrowsAsync<MailStoreException>(() => erin.DeleteSieveScriptAsync("one"))).Kind);
        await erin.DeleteSieveScriptAsync("two");
        Assert.Equal("keep;", await erin.GetSieveScriptAsync("one"));

        var active = await erin.GetActiveSieveScriptAsync();
        Assert.Equal(("one", "keep;", false), (active!.Name, active.Source, active.Unchanged));

        // Asked with the version it holds, the grain sends no source; any change of a script makes a new version.
        Assert.Equal(new ActiveSieveScript("one", "", active.Version, Unchanged: true), await erin.GetActiveSieveScriptAsync(active.Version));
        await erin.PutSieveScriptAsync("one", "keep; ");
        Assert.False((await erin.GetActiveSieveScriptAsync(active.Version))!.Unchanged);
        await erin.SetActiveSieveScriptAsync(null);
        Assert.Null(await erin.GetActiveSieveScriptAsync());
    }

    [Fact]
    public async Task A_body_test_reads_the_decoded_text_of_the_message_as_delivered()
    {
        var gina = host.Grains.GetGrain<IUserGrain>("gina");
        await gina.PutSieveScriptAsync("body", "require [\"body\", \"fileinto\", \"mailbox\", \"regex\"];\nif body :text :regex \"invoice #[0-9]+\" { fileinto :create \"Invoices\"; }\n");
        await gina.SetActiveSieveScriptAsync("body");

        // Base64 text: only the decoded text says "invoice #123".
        var encoded = Convert.ToBase64String("Your invoice #123 is attached."u8);
        Assert.StartsWith("250", await LmtpDelivery.DeliverMessageAsync(host.Port, "gina@example.org", $"Subject: hello\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("250", await LmtpDelivery.DeliverMessageAsync(host.Port, "gina@example.org", "Subject: hello\r\n\r\nno numbers here\r\n"), StringComparison.Ordinal);

        var boxes = await gina.ListMailboxesAsync();
        Assert.Single(await gina.FetchAsync(boxes.Single(m => m.Name == "Invoices").Id, UidSet.Range(1, uint.MaxValue)));
        Assert.Single(await gina.FetchAsync(boxes.Single(m => m.Name == "INBOX").Id, UidSet.Range(1, uint.MaxValue)));
    }

    [Fact]
    public async Task An_included_script_runs_where_it_is_included_and_changing_it_changes_the_next_delivery()
    {
        var hana = host.Grains.GetGrain<IUserGrain>("hana");

        // Uploaded in either order: the include is resolved when the script runs.
        await hana.PutSieveScriptAsync("main", "require [\"include\", \"fileinto\", \"mailbox\"];\ninclude :personal \"lists\";\nif header :contains \"subject\" \"urgent\" { fileinto :create \"Urgent\"; }\n");
        await hana.PutSieveScriptAsync("lists", "require [\"fileinto\", \"mailbox\"];\nif header :contains \"subject\" \"[dev]\" { fileinto :create \"Lists/Dev\"; stop; }\n");
        await hana.SetActiveSieveScriptAsync("main");
        try
        {
            await LmtpDelivery.DeliverMessageAsync(host.Port, "hana@example.org", "Subject: [dev] urgent release\r\n\r\nbody\r\n");
            await hana.PutSieveScriptAsync("lists", "require [\"fileinto\", \"mailbox\"];\nif header :contains \"subject\" \"[ops]\" { fileinto :create \"Lists/Ops\"; stop; }\n");
            await LmtpDelivery.DeliverMessageAsync(host.Port, "hana@example.org", "Subject: [dev] urgent again\r\n\r\nbody\r\n");

            // The first stopped in the included script; the second, after the change, reached the includer's rule.
            var boxes = await hana.ListMailboxesAsync();
            Assert.Single(await hana.FetchAsync(boxes.Single(m => m.Name == "Lists/Dev").Id, UidSet.Range(1, uint.MaxValue)));
            Assert.Single(await hana.FetchAsync(boxes.Single(m => m.Name == "Urgent").Id, UidSet.Range(1, uint.MaxValue)));

            // A loop is refused when stored, naming the chain.
            var loop = await Assert.ThrowsAsync<MailStoreException>(() => hana.PutSieveScriptAsync("lists", "require \"include\";\ninclude \"main\";\n"));
            Assert.Contains("would loop", loop.Message, StringComparison.Ordinal);
        }
        finally
        {
            await hana.SetActiveSieveScriptAsync(null);
        }
    }

    [Fact]
    public async Task A_second_copy_of_a_message_is_recognised_by_the_duplicate_test()
    {
        var ines = host.Grains.GetGrain<IUserGrain>("ines");
        await ines.PutSieveScriptAsync("dedupe", "require [\"duplicate\", \"fileinto\", \"mailbox\"];\nif duplicate { fileinto :create \"Duplicates\"; }\n");
        await ines.SetActiveSieveScriptAsync("dedupe");
        try
        {
            var inbox = await ines.GetMailboxAsync("INBOX");
            var before = (await ines.FetchAsync(inbox.Id, UidSet.Range(1, uint.MaxValue))).Length;
            var message = $"Message-ID: <{Guid.NewGuid():N}@example.net>\r\nSubject: twice\r\n\r\nbody\r\n";
            await LmtpDelivery.DeliverMessageAsync(host.Port, "ines@example.org", message);
            await LmtpDelivery.DeliverMessageAsync(host.Port, "ines@example.org", message);
            var boxes = await ines.ListMailboxesAsync();
            Assert.Single(await ines.FetchAsync(boxes.Single(m => m.Name == "Duplicates").Id, UidSet.Range(1, uint.MaxValue)));
            Assert.Equal(before + 1, (await ines.FetchAsync(inbox.Id, UidSet.Range(1, uint.MaxValue))).Length);
        }
        finally
        {
            await ines.SetActiveSieveScriptAsync(null);
        }
    }

    [Fact]
    public async Task What_vacation_and_duplicate_remember_is_bounded_oldest_forgotten_first()
    {
        var juno = host.Grains.GetGrain<IUserGrain>("juno");
        static string Key(int i) => i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < 205; i++)
        {
            await juno.RecordAutoReplyAsync(Key(i));
        }

        var week = TimeSpan.FromDays(7);
        Assert.False(await juno.HasAutoRepliedAsync(Key(0), week));
        Assert.False(await juno.HasAutoRepliedAsync(Key(4), week));
        Assert.True(await juno.HasAutoRepliedAsync(Key(5), week));
        Assert.True(await juno.HasAutoRepliedAsync(Key(204), week));

        // A first sighting stands; :last moves it; the table is its own.
        await juno.RecordDuplicatesAsync([Key(1)], []);
        var first = (await juno.GetDuplicateTrackingAsync())[Key(1)];
        await Task.Delay(1100);
        await juno.RecordDuplicatesAsync([Key(1)], [Key(2)]);
        var seen = await juno.GetDuplicateTrackingAsync();
        Assert.Equal(first, seen[Key(1)]);
        Assert.True(seen[Key(2)] > first);
        Assert.Equal(2, seen.Count);
        await Assert.ThrowsAsync<MailStoreException>(() => juno.RecordDuplicatesAsync(["not hex!"], []));
    }

    [Fact]
    public async Task A_header_a_script_edits_is_the_header_stored_and_the_body_is_untouched()
    {
        var kira = host.Grains.GetGrain<IUserGrain>("kira");
        await kira.PutSieveScriptAsync("edit", "require [\"editheader\", \"fileinto\", \"mailbox\"];\ndeleteheader \"X-Spam\";\naddheader \"X-Filtered\" \"yes\";\nif exists \"x-filtered\" { fileinto :create \"Filtered\"; }\n");
        await kira.SetActiveSieveScriptAsync("edit");
        Assert.StartsWith("250", await LmtpDelivery.DeliverMessageAsync(host.Port, "kira@example.org", "X-Spam: yes\r\nSubject: edited\r\n\r\nthe body\r\n"), StringComparison.Ordinal);

        using var imap = new MailKit.Net.Imap.ImapClient();
        await imap.ConnectAsync("127.0.0.1", host.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync("kira", "secret");
        var folder = await imap.GetFolderAsync("Filtered");
        await folder.OpenAsync(MailKit.FolderAccess.ReadOnly);
        var stored = await folder.GetMessageAsync(0);
        Assert.Equal("yes", stored.Headers["X-Filtered"]);
        Assert.Null(stored.Headers["X-Spam"]);
        Assert.Equal("edited", stored.Subject);
        Assert.Equal("the body", stored.TextBody?.Trim());
        Assert.Contains(stored.Headers, h => h.Field == "Received");
    }
}
