using MailKit;
using MailKit.Net.Imap;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// NOTIFY (RFC 5465): the RFC's example and each event type, told while the client sends nothing; the rules that
/// make a request BAD or NO; the selected mailbox under SELECTED, SELECTED-DELAYED and neither; another user's
/// shared mailbox; and MailKit's NOTIFY API.
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed class NotifyTests(ImapHost host)
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Bad_requests_are_BAD_and_unsupported_events_are_NO_BADEVENT_with_the_list()
    {
        await using var t = await host.LoggedInAsync(host.NewUser());
        Assert.Contains(" NOTIFY", (await t.CommandAsync("a0", "CAPABILITY"))[0]);
        foreach (var bad in new[]
        {
            "NOTIFY",
            "NOTIFY bogus",
            "NOTIFY SET",
            "NOTIFY SET STATUS",
            "NOTIFY SET STATUS ()",
            "NOTIFY SET (UnknownFilter (MessageNew MessageExpunge))",
            "NOTIFY SET (personal MessageNew)",
            "NOTIFY SET (selected (MailboxName))",
            "NOTIFY SET (selected (MessageNew))",
            "NOTIFY SET (personal (MessageExpunge))",
            "NOTIFY SET (selected (FlagChange))",
            "NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed (MessageNew MessageExpunge))",
            "NOTIFY SET (personal (MessageNew (UID) MessageExpunge))",
            "NOTIFY SET (mailboxes (MessageNew MessageExpunge))",
        })
        {
            Assert.StartsWith("b BAD", (await t.CommandAsync("b", bad))[^1]);
        }

        var refused = (await t.CommandAsync("c1", "NOTIFY SET (selected (AnnotationChange))"))[^1];
        Assert.Equal("c1 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange MailboxMetadataChange ServerMetadataChange)] Unsupported event AnnotationChange", refused);
        Assert.StartsWith("c2 NO [BADEVENT (", (await t.CommandAsync("c2", "NOTIFY SET (personal (SomethingElse))"))[^1]);
        Assert.Equal("c3 OK NOTIFY completed", (await t.CommandAsync("c3", "notify set (personal none) (Selected-Delayed (messagenew messageexpunge flagchange))"))[^1]);
        Assert.Equal("c4 OK NOTIFY completed", (await t.CommandAsync("c4", "NOTIFY NONE"))[^1]);

        // Every look matches every watched mailbox against the names listed: their number is bounded.
        var names = string.Join(' ', Enumerable.Range(0, 101).Select(i => $"Box{i}"));
        var sections = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"BODY.PEEK[{i + 1}]"));
        Assert.StartsWith("c6 NO [LIMIT]", (await t.CommandAsync("c6", $"NOTIFY SET (selected (MessageNew ({sections}) MessageExpunge))"))[^1]);
        Assert.StartsWith("c5 NO [NOTIFICATIONOVERFLOW]", (await t.CommandAsync("c5", $"NOTIFY SET (mailboxes ({names}) (MessageNew MessageExpunge))"))[^1]);
    }

    [Fact]
    public async Task The_rfc_example_status_first_then_other_mailboxes_as_status_and_new_mail_in_the_selected_one_with_its_fetch_items()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        await using var other = await host.LoggedInAsync(user);
        await t.CommandAsync("a1", "CREATE Lists/Lemonade");
        await t.CommandAsync("a2", "CREATE Lists/Im2000");
        await t.AppendAsync("a3", "Lists/Lemonade", ImapHost.Message("older"));

        // RFC 5465 §3.1's example, written with the event lists the grammar of §8 requires.
        var set = await t.CommandAsync("b", "NOTIFY SET STATUS (selected (MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))");
        // CREATE made the parent Lists too, and a subtree is the mailbox itself and all below it (§6.5).
        Assert.Equal(
            ["* STATUS Lists (MESSAGES 0 UIDNEXT 1 UIDVALIDITY " + Validity(set, "Lists") + " UNSEEN 0)",
             "* STATUS Lists/Im2000 (MESSAGES 0 UIDNEXT 1 UIDVALIDITY " + Validity(set, "Lists/Im2000") + " UNSEEN 0)",
             "* STATUS Lists/Lemonade (MESSAGES 1 UIDNEXT 2 UIDVALIDITY " + Validity(set, "Lists/Lemonade") + " UNSEEN 1)",
             "b OK NOTIFY completed"],
            set);
        Assert.Equal("c OK [READ-WRITE] SELECT completed", (await t.CommandAsync("c", "SELECT INBOX"))[^1]);

        // Time passes; a message reaches Lists/Lemonade. The client has sent nothing.
        await other.AppendAsync("o1", "Lists/Lemonade", ImapHost.Message("lemonade"));
        Assert.Equal("* STATUS Lists/Lemonade (MESSAGES 2 UIDNEXT 3)", await t.LineAsync(Soon));

        // A message is delivered to INBOX: EXISTS, then the FETCH items the client asked for.
        await host.DeliverAsync(user, ImapHost.Message("good morning", from: "alice <alice@example.org>"));
        Assert.Equal("* 1 EXISTS", await t.LineAsync(Soon));
        Assert.Equal("* 1 RECENT", await t.LineAsync(Soon));
        var fetch = await t.LineAsync(Soon);
        Assert.Matches(@"^\* 1 FETCH \(UID 1 BODY\[HEADER\.FIELDS \(FROM TO SUBJECT\)\] \{\d+\}$", fetch);
        Assert.Equal("From: alice <alice@example.org>", await t.LineAsync(Soon));

        // Another session expunges in INBOX: told at once under SELECTED.
        await other.CommandAsync("o2", "SELECT INBOX");
        await other.CommandAsync("o3", "STORE 1 +FLAGS (\\Deleted)");
        await other.CommandAsync("o4", "EXPUNGE");
        while (await t.LineAsync(Soon) is var line && line != "* 1 EXPUNGE")
        {
            Assert.DoesNotContain("STATUS", line, StringComparison.Ordinal); // the selected mailbox is never told as STATUS
        }

        // What the session appends itself is told by EXISTS, without the FETCH that another's new message gets (§5.2).
        var appended = await t.AppendAsync("e", "INBOX", ImapHost.Message("mine"));
        Assert.Contains(appended, l => l.EndsWith(" EXISTS", StringComparison.Ordinal));
        Assert.DoesNotContain(appended, l => l.Contains("FETCH", StringComparison.Ordinal));

        // Mailboxes outside the filters say nothing.
        await other.AppendAsync("o5", "Elsewhere", ImapHost.Message("not watched"));
        Assert.Equal(["d OK NOOP completed"], await t.CommandAsync("d", "NOOP"));
    }

    [Fact]
    public async Task Selected_delayed_holds_expunges_for_a_command_that_may_tell_them_and_no_selected_filter_tells_nothing_of_others()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        await using var other = await host.LoggedInAsync(user);
        await t.AppendAsync("a1", "INBOX", ImapHost.Message("one"));
        await t.AppendAsync("a2", "INBOX", ImapHost.Message("two"));
        await t.CommandAsync("a3", "SELECT INBOX");
        Assert.Equal("b OK NOTIFY completed", (await t.CommandAsync("b", "NOTIFY SET (selected-delayed (MessageNew MessageExpunge FlagChange))"))[^1]);

        await other.CommandAsync("o1", "SELECT INBOX");
        await other.CommandAsync("o2", "STORE 1 +FLAGS.SILENT (\\Deleted)");
        await other.CommandAsync("o3", "EXPUNGE");
        await other.AppendAsync("o4", "INBOX", ImapHost.Message("three"));

        // The flag change and the new message are told at once; the expunged message keeps its number until a
        // command may tell it.
        while (await t.LineAsync(Soon) is var line && line != "* 3 EXISTS")
        {
            Assert.DoesNotContain("EXPUNGE", line, StringComparison.Ordinal);
        }

        var fetched = await t.CommandAsync("c", "FETCH 1 (UID)");
        Assert.Contains("* 1 FETCH (UID 1)", fetched);
        Assert.DoesNotContain(fetched, l => l.EndsWith("EXPUNGE", StringComparison.Ordinal));
        Assert.Contains("* 1 EXPUNGE", await t.CommandAsync("d", "NOOP"));

        // Without SELECTED or SELECTED-DELAYED, nothing of other sessions' changes reaches the selected mailbox.
        Assert.Equal("e OK NOTIFY completed", (await t.CommandAsync("e", "NOTIFY SET (personal (MailboxName))"))[^1]);
        await other.AppendAsync("o5", "INBOX", ImapHost.Message("four"));
        await other.CommandAsync("o6", "STORE 1 +FLAGS (\\Flagged)");
        Assert.Equal(["f OK NOOP completed"], await t.CommandAsync("f", "NOOP"));

        // NOTIFY SET is an implicit NOOP under the rules it replaces: those held nothing back; the new ones tell all.
        var set = await t.CommandAsync("g", "NOTIFY SET (selected (MessageNew MessageExpunge FlagChange))");
        Assert.Contains("* 3 EXISTS", set);
        Assert.Contains(set, l => l.StartsWith("* 1 FETCH (", StringComparison.Ordinal) && l.Contains("\\Flagged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Names_subscriptions_and_annotations_are_told_as_list_and_metadata_but_not_to_the_session_that_made_them()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        await using var other = await host.LoggedInAsync(user);
        Assert.Equal("a OK NOTIFY completed", (await t.CommandAsync("a", "NOTIFY SET (personal (MailboxName SubscriptionChange MailboxMetadataChange ServerMetadataChange))"))[^1]);

        foreach (var (command, told) in new[]
        {
            ("CREATE Plans", "* LIST () \"/\" Plans"),
            ("SUBSCRIBE Plans", "* LIST (\\Subscribed) \"/\" Plans"),
            ("RENAME Plans Schemes", "* LIST () \"/\" Schemes (\"OLDNAME\" (Plans))"),
            ("SETMETADATA Schemes (/private/comment \"secret\")", "* METADATA Schemes /private/comment"),
            ("SETMETADATA \"\" (/private/vendor/x/theme \"dark\")", "* METADATA \"\" /private/vendor/x/theme"),
            ("DELETE Schemes", "* LIST (\\NonExistent) \"/\" Schemes"),
            ("SUBSCRIBE Nowhere", "* LIST (\\NonExistent \\Subscribed) \"/\" Nowhere"),
        })
        {
            Assert.StartsWith("o OK", (await other.CommandAsync("o", command))[^1]);
            Assert.Equal(told, await t.LineAsync(Soon));
        }

        // What this session does itself it is not told (RFC 5465 §5).
        Assert.StartsWith("b OK", Assert.Single(await t.CommandAsync("b", "CREATE Mine")));
        Assert.Equal(["c OK NOOP completed"], await t.CommandAsync("c", "NOOP"));

        // NOTIFY NONE: nothing at all from now on.
        await t.CommandAsync("d", "NOTIFY NONE");
        await other.CommandAsync("o8", "CREATE Quiet");
        Assert.Equal(["e OK NOOP completed"], await t.CommandAsync("e", "NOOP"));
    }

    [Fact]
    public async Task Another_users_shared_mailbox_is_watched_through_its_owners_grain_and_nothing_else_of_the_owner_is_told()
    {
        var (alice, bob) = (host.NewUser(), host.NewUser());
        await using var a = await host.LoggedInAsync(alice);
        await using var b = await host.LoggedInAsync(bob);
        await a.CommandAsync("a1", "CREATE Team");
        await a.CommandAsync("a2", "CREATE Peek");
        await a.CommandAsync("a3", $"SETACL Team {bob} lr");
        await a.CommandAsync("a4", $"SETACL Peek {bob} l");

        // One it may list but not read is told as \NoAccess and not watched; one it may not list is ignored (§3.1).
        var set = await b.CommandAsync("b1", $"NOTIFY SET STATUS (mailboxes (Shared/{alice}/Team Shared/{alice}/Peek Shared/{alice}/INBOX) (MessageNew MessageExpunge)) (personal (MailboxName))");
        Assert.Contains($"* LIST (\\NoAccess) \"/\" Shared/{alice}/Peek", set);
        Assert.Contains(set, l => l.StartsWith($"* STATUS Shared/{alice}/Team (MESSAGES 0 UIDNEXT 1 UIDVALIDITY ", StringComparison.Ordinal));
        Assert.DoesNotContain(set, l => l.Contains("INBOX", StringComparison.Ordinal));
        Assert.Equal("b1 OK NOTIFY completed", set[^1]);

        await a.AppendAsync("a5", "Team", ImapHost.Message("for the team"));
        Assert.Equal($"* STATUS Shared/{alice}/Team (MESSAGES 1 UIDNEXT 2)", await b.LineAsync(Soon));

        // alice's own names are hers: bob hears nothing of them, nor of mail to her INBOX.
        await a.CommandAsync("a6", "CREATE Diary");
        await host.DeliverAsync(alice, ImapHost.Message("private"));
        Assert.StartsWith("a7 OK", (await a.CommandAsync("a7", $"DELETEACL Team {bob}"))[^1]);
        await a.AppendAsync("a8", "Team", ImapHost.Message("after the revocation"));
        Assert.Equal(["b2 OK NOOP completed"], await b.CommandAsync("b2", "NOOP"));
    }

    [Fact]
    public async Task MailKit_sets_notify_and_hears_new_mail_in_a_mailbox_it_has_not_selected()
    {
        var user = host.NewUser();
        using var client = await host.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Notify));
        var inbox = client.Inbox;
        await inbox.StatusAsync(StatusItems.Count | StatusItems.UidNext);
        var archive = await client.GetFolderAsync("Archive");
        await archive.OpenAsync(FolderAccess.ReadOnly);
        await client.NotifyAsync(true, [new ImapEventGroup(ImapMailboxFilter.Inboxes, [new ImapEvent.MessageNew(MessageSummaryItems.None), ImapEvent.MessageExpunge])]);

        var counted = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.CountChanged += (_, _) => counted.TrySetResult(inbox.Count);
        using var done = new CancellationTokenSource();
        var idle = client.IdleAsync(done.Token);
        await host.DeliverAsync(user, ImapHost.Message("while idling"));
        Assert.Equal(1, await counted.Task.WaitAsync(Soon));
        await done.CancelAsync();
        await idle;
        await client.DisconnectAsync(true);
    }

    private static string Validity(List<string> lines, string mailbox) =>
        System.Text.RegularExpressions.Regex.Match(lines.Single(l => l.StartsWith("* STATUS " + mailbox + " ", StringComparison.Ordinal)), @"UIDVALIDITY (\d+)").Groups[1].Value;
}
