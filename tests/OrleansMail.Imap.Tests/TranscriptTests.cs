using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>Raw transcripts over a real socket, written from RFC 3501's examples and its error paths.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class TranscriptTests(ImapHost host)
{
    [Fact]
    public async Task Greeting_capability_noop_and_logout()
    {
        await using var t = await host.TranscriptAsync();
        Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 ", t.Greeting);
        var caps = await t.CommandAsync("a1", "CAPABILITY");
        Assert.Contains("AUTH=PLAIN", caps[0]);
        Assert.Contains("IDLE", caps[0]);
        Assert.Equal("a1 OK CAPABILITY completed", caps[^1]);
        Assert.Equal("a2 OK NOOP completed", (await t.CommandAsync("a2", "NOOP"))[^1]);
        var logout = await t.CommandAsync("a3", "LOGOUT");
        Assert.StartsWith("* BYE", logout[0]);
        Assert.Equal("a3 OK LOGOUT completed", logout[^1]);
        Assert.True(await t.ClosedAsync());
    }

    [Fact]
    public async Task Malformed_and_unknown_commands_get_BAD_and_the_session_goes_on()
    {
        await using var t = await host.TranscriptAsync();
        Assert.Equal("a1 BAD Unknown command FROB", (await t.CommandAsync("a1", "FROB"))[^1]);
        Assert.StartsWith("a2 BAD", (await t.CommandAsync("a2", "SELECT INBOX"))[^1]); // not authenticated yet
        Assert.StartsWith("a3 BAD", (await t.CommandAsync("a3", "LOGIN \"unterminated"))[^1]);
        Assert.Equal("a4 BAD Unexpected extra arguments", (await t.CommandAsync("a4", "CAPABILITY now"))[^1]);
        await t.SendAsync("\r\n+x NOOP\r\n");
        Assert.Equal("* BAD Empty command", await t.LineAsync());
        Assert.Equal("* BAD Invalid tag", await t.LineAsync());
        Assert.Equal("a5 OK NOOP completed", (await t.CommandAsync("a5", "NOOP"))[^1]);
    }

    [Fact]
    public async Task Login_failures_are_NO_AUTHENTICATIONFAILED_and_the_third_closes_the_connection()
    {
        await using var t = await host.TranscriptAsync();
        Assert.Equal("a1 NO [AUTHENTICATIONFAILED] Authentication failed", (await t.CommandAsync("a1", "LOGIN user1 wrong"))[^1]);
        Assert.Equal("a2 NO [AUTHENTICATIONFAILED] Authentication failed", (await t.CommandAsync("a2", "LOGIN nobody secret"))[^1]);
        var third = await t.CommandAsync("a3", "LOGIN user1 wrong");
        Assert.StartsWith("* BYE", third[0]);
        Assert.True(await t.ClosedAsync());
    }

    [Fact]
    public async Task Authenticate_plain_with_and_without_an_initial_response()
    {
        var user = host.NewUser();
        var token = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{user}\0secret"));
        await using (var t = await host.TranscriptAsync())
        {
            Assert.StartsWith("a1 OK [CAPABILITY", (await t.CommandAsync("a1", "AUTHENTICATE PLAIN " + token))[^1]);
        }

        await using (var t = await host.TranscriptAsync())
        {
            await t.SendAsync("a1 AUTHENTICATE PLAIN\r\n");
            Assert.Equal("+ ", await t.LineAsync());
            await t.SendAsync(token + "\r\n");
            Assert.StartsWith("a1 OK", (await t.UntilTaggedAsync("a1"))[^1]);
        }

        await using (var t = await host.TranscriptAsync())
        {
            await t.SendAsync("a1 AUTHENTICATE PLAIN\r\n");
            await t.LineAsync();
            await t.SendAsync("*\r\n");
            Assert.StartsWith("a1 BAD", (await t.UntilTaggedAsync("a1"))[^1]);
            Assert.StartsWith("a2 OK", (await t.CommandAsync("a2", "NOOP"))[^1]);
        }
    }

    [Fact]
    public async Task Literals_synchronizing_and_non_synchronizing_work_in_any_argument()
    {
        var user = host.NewUser();
        await using var t = await host.TranscriptAsync();
        await t.SendAsync($"a1 LOGIN {{{user.Length}}}\r\n");
        Assert.StartsWith("+ ", await t.LineAsync());
        await t.SendAsync($"{user} {{6+}}\r\nsecret\r\n");
        Assert.StartsWith("a1 OK", (await t.UntilTaggedAsync("a1"))[^1]);
        Assert.StartsWith("a2 OK", (await t.CommandAsync("a2", "SELECT {5+}\r\nINBOX"))[^1]);
    }

    [Fact]
    public async Task Select_reports_the_counters_and_a_missing_mailbox_is_NONEXISTENT()
    {
        var user = host.NewUser();
        Assert.StartsWith("250", await host.DeliverAsync(user, ImapHost.Message("one")));
        Assert.StartsWith("250", await host.DeliverAsync(user, ImapHost.Message("two")));
        await using var t = await host.LoggedInAsync(user);
        var select = await t.CommandAsync("a1", "SELECT inbox");
        Assert.Contains("* 2 EXISTS", select);
        Assert.Contains("* 2 RECENT", select);
        Assert.Contains(select, l => l.StartsWith("* OK [UIDVALIDITY ", StringComparison.Ordinal));
        Assert.Contains("* OK [UIDNEXT 3] Predicted next UID", select);
        Assert.Contains("* OK [UNSEEN 1] First unseen", select);
        Assert.Contains(select, l => l.StartsWith("* FLAGS (", StringComparison.Ordinal));
        Assert.Equal("a1 OK [READ-WRITE] SELECT completed", select[^1]);
        Assert.Equal("a2 NO [NONEXISTENT] No such mailbox", (await t.CommandAsync("a2", "SELECT nothere"))[^1]);

        // A failed SELECT leaves nothing selected (RFC 3501 §6.3.1).
        Assert.StartsWith("a3 BAD", (await t.CommandAsync("a3", "FETCH 1 FLAGS"))[^1]);
        Assert.Equal("a4 OK [READ-ONLY] EXAMINE completed", (await t.CommandAsync("a4", "EXAMINE INBOX"))[^1]);
        Assert.Equal("a5 NO [READ-ONLY] The mailbox is read-only", (await t.CommandAsync("a5", "STORE 1 +FLAGS \\Seen"))[^1]);
    }

    [Fact]
    public async Task The_largest_nz_number_is_a_valid_UID_and_not_a_star()
    {
        // RFC 3501 §9: nz-number goes up to 4294967295; a UID range may end there without meaning "*".
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("one"));
        await host.DeliverAsync(user, ImapHost.Message("two"));
        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a1", "SELECT INBOX");
        var search = await t.CommandAsync("a2", "UID SEARCH UID 1:4294967295");
        Assert.Equal("* SEARCH 1 2", search[0]);
        Assert.Equal("a2 OK UID SEARCH completed", search[^1]);
        var fetch = await t.CommandAsync("a3", "UID FETCH 2:4294967295 (FLAGS)");
        Assert.Single(fetch, l => l.StartsWith("* 2 FETCH", StringComparison.Ordinal));
        Assert.Equal("a3 OK UID FETCH completed", fetch[^1]);
        Assert.Equal("a4 OK UID FETCH completed", (await t.CommandAsync("a4", "UID FETCH 4294967295 (FLAGS)"))[^1]);

        // As a message sequence number it names a message that does not exist.
        Assert.StartsWith("a5 BAD", (await t.CommandAsync("a5", "FETCH 4294967295 (FLAGS)"))[^1]);
    }

    [Fact]
    public async Task Fetch_items_follow_RFC3501_and_BODY_sets_seen_while_PEEK_does_not()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("Fetch me", "Line one.\r\nLine two."));
        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a1", "SELECT INBOX");
        var peek = await t.CommandAsync("a2", "FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        Assert.Equal("* 1 FETCH (FLAGS (\\Recent) BODY[HEADER.FIELDS (SUBJECT)] {21}", peek[0]);
        Assert.Equal("Subject: Fetch me", peek[1]);
        var text = await t.CommandAsync("a3", "FETCH 1 BODY[TEXT]<5.4>");
        Assert.Equal("* 1 FETCH (BODY[TEXT]<5> {4}", text[0]);
        Assert.Equal("one. FLAGS (\\Seen \\Recent))", text[1]);
        var all = await t.CommandAsync("a4", "FETCH 1 FAST");
        Assert.Matches(@"^\* 1 FETCH \(FLAGS \(\\Seen \\Recent\) INTERNALDATE ""[ 0-9]{2}-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d \+0000"" RFC822\.SIZE \d+\)$", all[0]);
        var uid = await t.CommandAsync("a5", "UID FETCH 1:* FLAGS");
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))", uid[0]);
        Assert.StartsWith("a6 BAD", (await t.CommandAsync("a6", "FETCH 1 (FLAGS BOGUS)"))[^1]);
        Assert.StartsWith("a7 BAD", (await t.CommandAsync("a7", "FETCH 5 FLAGS"))[^1]);
        var empty = await t.CommandAsync("a8", "UID FETCH 50:60 FLAGS");
        Assert.Equal(["a8 OK UID FETCH completed"], empty);
    }

    [Fact]
    public async Task Store_silent_and_not_and_keywords()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("flags"));
        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a1", "SELECT INBOX");
        Assert.Equal(
            [
                "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)", // a keyword new to the mailbox is announced first (RFC 3501 §7.2.6)
                "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted",
                "* 1 FETCH (FLAGS (\\Flagged \\Recent $Work))",
                "a2 OK STORE completed",
            ],
            await t.CommandAsync("a2", "STORE 1 +FLAGS (\\Flagged $Work)"));
        Assert.Equal(["a3 OK STORE completed"], await t.CommandAsync("a3", "STORE 1 -FLAGS.SILENT ($Work)"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Seen \\Recent) UID 1)", "a4 OK UID STORE completed"], await t.CommandAsync("a4", "UID STORE 1 FLAGS (\\Seen)"));
        Assert.StartsWith("a5 BAD", (await t.CommandAsync("a5", "STORE 1 +FLAGS (\\Recent)"))[^1]);
        Assert.StartsWith("a6 BAD", (await t.CommandAsync("a6", "STORE 1 FROB (\\Seen)"))[^1]);
    }

    [Fact]
    public async Task Expunge_is_not_sent_during_FETCH_but_after_NOOP()
    {
        var user = host.NewUser();
        for (var i = 0; i < 3; i++)
        {
            await host.DeliverAsync(user, ImapHost.Message($"m{i}"));
        }

        await using var a = await host.LoggedInAsync(user);
        await using var b = await host.LoggedInAsync(user);
        await a.CommandAsync("a1", "SELECT INBOX");
        await b.CommandAsync("b1", "SELECT INBOX");
        await b.CommandAsync("b2", "STORE 2 +FLAGS.SILENT \\Deleted");
        Assert.Equal(["* 2 EXPUNGE", "b3 OK EXPUNGE completed"], await b.CommandAsync("b3", "EXPUNGE"));

        // Session A uses sequence numbers: during FETCH the expunge must wait (RFC 3501 §7.4.1)...
        var fetch = await a.CommandAsync("a2", "FETCH 1:* (UID)");
        Assert.DoesNotContain(fetch, l => l.EndsWith("EXPUNGE", StringComparison.Ordinal));
        Assert.Equal(3, fetch.Count(l => l.StartsWith("* ", StringComparison.Ordinal)));

        // ...and arrives at the next NOOP, after which numbers have moved.
        var noop = await a.CommandAsync("a3", "NOOP");
        Assert.Contains("* 2 EXPUNGE", noop);
        Assert.Equal(["* 1 FETCH (UID 1)", "* 2 FETCH (UID 3)", "a4 OK FETCH completed"], await a.CommandAsync("a4", "FETCH 1:* (UID)"));
    }

    [Fact]
    public async Task Mailbox_management_with_modified_utf7_names()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        Assert.Matches(@"^a1 OK \[MAILBOXID \(F[0-9a-f]{32}\)\] CREATE completed$", (await t.CommandAsync("a1", "CREATE Entw&APw-rfe/Alt"))[^1]);
        Assert.Equal("a2 NO [ALREADYEXISTS] INBOX always exists", (await t.CommandAsync("a2", "CREATE inbox"))[^1]);
        var list = await t.CommandAsync("a3", "LIST \"\" *");
        Assert.Contains(list, l => l.EndsWith("\"/\" Entw&APw-rfe/Alt", StringComparison.Ordinal));
        Assert.Contains(list, l => l.StartsWith("* LIST (\\HasNoChildren) \"/\" INBOX", StringComparison.Ordinal));
        var percent = await t.CommandAsync("a4", "LIST \"\" %");
        Assert.DoesNotContain(percent, l => l.Contains("/Alt", StringComparison.Ordinal));
        Assert.Equal(["* LIST (\\Noselect) \"/\" \"\"", "a5 OK LIST completed"], await t.CommandAsync("a5", "LIST \"\" \"\""));
        Assert.Equal("a6 OK RENAME completed", (await t.CommandAsync("a6", "RENAME Entw&APw-rfe/Alt Neu"))[^1]);
        Assert.StartsWith("a7 NO", (await t.CommandAsync("a7", "DELETE INBOX"))[^1]);
        Assert.Equal("a8 OK SUBSCRIBE completed", (await t.CommandAsync("a8", "SUBSCRIBE Neu"))[^1]);
        var lsub = await t.CommandAsync("a9", "LSUB \"\" *");
        Assert.Contains("* LSUB () \"/\" Neu", lsub);
        Assert.Contains("* LSUB () \"/\" Sent", lsub); // the special-use folders are created subscribed
        Assert.DoesNotContain(lsub, l => l.Contains("Entw", StringComparison.Ordinal));
        var special = await t.CommandAsync("b1", "LIST (SPECIAL-USE) \"\" *");
        Assert.All(special.SkipLast(1), l => Assert.Matches(@"\\(Sent|Drafts|Trash|Junk|Archive|All|Flagged)", l));
        Assert.Equal("b2 OK DELETE completed", (await t.CommandAsync("b2", "DELETE Neu"))[^1]);
        var status = await t.CommandAsync("b3", "STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT)");
        Assert.Matches(@"^\* STATUS INBOX \(MESSAGES 0 UIDNEXT 1 UIDVALIDITY \d+ UNSEEN 0 RECENT 0\)$", status[0]);
        Assert.StartsWith("b4 BAD", (await t.CommandAsync("b4", "STATUS INBOX (FROB)"))[^1]);
    }

    [Fact]
    public async Task Append_with_flags_and_date_answers_APPENDUID_and_refuses_what_it_must()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        var message = "Subject: appended\r\n\r\nhello\r\n";
        await t.SendAsync($"a1 APPEND INBOX (\\Seen $Done) \" 7-Feb-1994 21:52:25 -0800\" {{{message.Length}}}\r\n");
        Assert.StartsWith("+ ", await t.LineAsync());
        await t.SendAsync(message + "\r\n");
        Assert.Matches(@"^a1 OK \[APPENDUID \d+ 1\] APPEND completed$", (await t.UntilTaggedAsync("a1"))[^1]);

        // MULTIAPPEND with LITERAL+: two messages in one command.
        await t.SendAsync($"a2 APPEND INBOX {{{message.Length}+}}\r\n{message} (\\Flagged) {{{message.Length}+}}\r\n{message}\r\n");
        Assert.Matches(@"^a2 OK \[APPENDUID \d+ 2:3\] APPEND completed$", (await t.UntilTaggedAsync("a2"))[^1]);

        Assert.Equal("a3 NO [TRYCREATE] No such mailbox", (await t.CommandAsync("a3", "APPEND nothere {5}"))[^1]);
        var tooBig = await t.CommandAsync("a4", $"APPEND INBOX {{{ImapHost.MaxSize + 1}}}");
        Assert.StartsWith("a4 BAD [TOOBIG]", tooBig[^1]);
        await t.CommandAsync("a5", "SELECT INBOX");
        var fetch = await t.CommandAsync("a6", "FETCH 1:* (FLAGS INTERNALDATE)");
        Assert.Equal("* 1 FETCH (FLAGS (\\Seen \\Recent $Done) INTERNALDATE \" 8-Feb-1994 05:52:25 +0000\")", fetch[0]);
        Assert.StartsWith("* 3 FETCH (FLAGS (\\Flagged \\Recent)", fetch[2]);
    }

    [Fact]
    public async Task Copy_to_a_missing_mailbox_is_TRYCREATE_and_move_reports_COPYUID_then_EXPUNGE()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("a"));
        await host.DeliverAsync(user, ImapHost.Message("b"));
        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a1", "SELECT INBOX");
        Assert.Equal("a2 NO [TRYCREATE] No such destination mailbox", (await t.CommandAsync("a2", "COPY 1 Nowhere"))[^1]);
        await t.CommandAsync("a3", "CREATE Kept");
        Assert.Matches(@"^a4 OK \[COPYUID \d+ 1:2 1:2\] COPY completed$", (await t.CommandAsync("a4", "COPY 1:2 Kept"))[^1]);
        var move = await t.CommandAsync("a5", "UID MOVE 1 Kept");
        Assert.Matches(@"^\* OK \[COPYUID \d+ 1 3\] Moved$", move[0]);
        Assert.Equal("* 1 EXPUNGE", move[1]);
        Assert.Equal("a5 OK UID MOVE completed", move[^1]);
    }

    [Fact]
    public async Task Search_keys_from_RFC3501()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("Quarterly report", "The numbers are fine.", "Alice Smith <alice@example.org>"));
        await host.DeliverAsync(user, ImapHost.Message("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=", "Viele Grüße", "Bob <bob@example.net>"));
        await host.DeliverAsync(user, ImapHost.Message("Lunch", "Pizza?", "Alice Smith <alice@example.org>"));
        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a1", "SELECT INBOX");
        await t.CommandAsync("a2", "STORE 3 +FLAGS.SILENT (\\Flagged)");
        Assert.Equal("* SEARCH 1 3", (await t.CommandAsync("a3", "SEARCH FROM alice"))[0]);
        Assert.Equal("* SEARCH 2", (await t.CommandAsync("a4", $"SEARCH CHARSET UTF-8 SUBJECT {{{System.Text.Encoding.UTF8.GetByteCount("grüße")}+}}\r\ngrüße"))[0]);
        Assert.Equal("* SEARCH 1", (await t.CommandAsync("a5", "SEARCH BODY numbers"))[0]);
        Assert.Equal("* SEARCH 3", (await t.CommandAsync("a6", "SEARCH FLAGGED"))[0]);
        Assert.Equal("* SEARCH 1 2", (await t.CommandAsync("a7", "SEARCH NOT FLAGGED"))[0]);
        Assert.Equal("* SEARCH 2 3", (await t.CommandAsync("a8", "SEARCH OR FLAGGED FROM bob"))[0]);
        Assert.Equal("* SEARCH 2 3", (await t.CommandAsync("a9", "UID SEARCH UID 2:*"))[0]);
        Assert.Equal("* SEARCH 1 2 3", (await t.CommandAsync("b1", "SEARCH SENTON 3-Nov-2026"))[0]);
        Assert.Equal("* SEARCH", (await t.CommandAsync("b2", "SEARCH SENTBEFORE 1-Jan-2000"))[0]);
        Assert.Equal("* SEARCH 1", (await t.CommandAsync("b3", "SEARCH HEADER Subject quarterly"))[0]);
        Assert.Equal("* SEARCH 2", (await t.CommandAsync("b4", "SEARCH TEXT bob@example.net"))[0]);
        Assert.Equal("* SEARCH 1 2 3", (await t.CommandAsync("b5", "SEARCH LARGER 10 (SINCE 1-Jan-2020)"))[0]);
        Assert.Equal("b6 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset", (await t.CommandAsync("b6", "SEARCH CHARSET KOI8-R ALL"))[^1]);
        Assert.StartsWith("b7 BAD", (await t.CommandAsync("b7", "SEARCH FROBNICATE"))[^1]);
    }

    [Fact]
    public async Task Recent_belongs_to_the_first_session_that_selects_and_examine_does_not_take_it()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("one"));
        await host.DeliverAsync(user, ImapHost.Message("two"));
        await using var first = await host.LoggedInAsync(user);
        await using var second = await host.LoggedInAsync(user);
        Assert.Matches(@"^\* STATUS INBOX \(RECENT 2\)$", (await first.CommandAsync("a1", "STATUS INBOX (RECENT)"))[0]);
        Assert.Contains("* 2 RECENT", await second.CommandAsync("b1", "EXAMINE INBOX"));
        Assert.Equal(["* SEARCH 1 2", "b2 OK SEARCH completed"], await second.CommandAsync("b2", "SEARCH NEW"));

        // SELECT takes them: the first session shows \Recent, later sessions see the messages as old.
        var select = await first.CommandAsync("a2", "SELECT INBOX");
        Assert.Contains("* 2 RECENT", select);
        Assert.Equal("* 1 FETCH (FLAGS (\\Recent))", (await first.CommandAsync("a3", "FETCH 1 FLAGS"))[0]);
        Assert.Contains("* 0 RECENT", await second.CommandAsync("b3", "SELECT INBOX"));
        Assert.Equal(["* SEARCH 1 2", "b4 OK SEARCH completed"], await second.CommandAsync("b4", "SEARCH OLD"));

        // A new message is recent to whichever session learns of it first; the other gets only EXISTS.
        await host.DeliverAsync(user, ImapHost.Message("three"));
        var noop = await second.CommandAsync("b5", "NOOP");
        Assert.Equal(["* 3 EXISTS", "* 1 RECENT", "b5 OK NOOP completed"], noop);
        Assert.Equal(["* 3 EXISTS", "a4 OK NOOP completed"], await first.CommandAsync("a4", "NOOP"));
        Assert.Equal(["* SEARCH 1 2", "a5 OK SEARCH completed"], await first.CommandAsync("a5", "SEARCH RECENT"));
        Assert.Equal(["* SEARCH 3", "b6 OK SEARCH completed"], await second.CommandAsync("b6", "SEARCH RECENT UNSEEN"));
        Assert.StartsWith("a6 BAD", (await first.CommandAsync("a6", "STORE 1 +FLAGS (\\Recent)"))[^1]);
    }

    [Fact]
    public async Task Idle_hears_a_delivery_and_an_expunge_from_another_session_at_once()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("first"));
        await using var idle = await host.LoggedInAsync(user);
        await idle.CommandAsync("a1", "SELECT INBOX");
        await idle.SendAsync("a2 IDLE\r\n");
        Assert.Equal("+ idling", await idle.LineAsync());
        Assert.StartsWith("250", await host.DeliverAsync(user, ImapHost.Message("second")));
        Assert.Equal("* 2 EXISTS", await idle.LineAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("* 2 RECENT", await idle.LineAsync(TimeSpan.FromSeconds(10)));

        await using var other = await host.LoggedInAsync(user);
        await other.CommandAsync("b1", "SELECT INBOX");
        await other.CommandAsync("b2", "STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))", await idle.LineAsync(TimeSpan.FromSeconds(10)));
        await other.CommandAsync("b3", "EXPUNGE");
        Assert.Equal("* 1 EXPUNGE", await idle.LineAsync(TimeSpan.FromSeconds(10)));
        await idle.SendAsync("DONE\r\n");
        Assert.Equal("a2 OK IDLE terminated", await idle.LineAsync());
    }

    [Fact]
    public async Task Store_outage_is_NO_UNAVAILABLE_and_the_session_survives()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("outage"));
        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a1", "SELECT INBOX");
        host.Faults.Block = name => name.Contains("/" + user + "/msg/", StringComparison.Ordinal);
        try
        {
            Assert.Equal("a2 NO [UNAVAILABLE] The mail store is temporarily unavailable; try again", (await t.CommandAsync("a2", "FETCH 1 BODY.PEEK[]"))[^1]);
        }
        finally
        {
            host.Faults.Block = null;
        }

        var fetch = await t.CommandAsync("a3", "FETCH 1 BODY.PEEK[]");
        Assert.StartsWith("* 1 FETCH (BODY[] {", fetch[0]);
        Assert.StartsWith("a3 OK", fetch[^1]);
    }

    [Fact]
    public async Task Sessions_per_user_are_limited_with_NO_LIMIT()
    {
        var user = host.NewUser();
        var open = new List<ImapTranscript>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                open.Add(await host.LoggedInAsync(user));
            }

            await using var sixth = await host.TranscriptAsync();
            Assert.Equal("a1 NO [LIMIT] Too many sessions for this user", (await sixth.CommandAsync("a1", $"LOGIN {user} secret"))[^1]);
            await open[0].CommandAsync("z1", "LOGOUT");
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await Task.Delay(200);
            Assert.StartsWith("a2 OK", (await sixth.CommandAsync("a2", $"LOGIN {user} secret"))[^1]);
        }
        finally
        {
            foreach (var t in open)
            {
                await t.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_connection_that_never_logs_in_is_closed_after_the_login_timeout()
    {
        await using var t = await host.TranscriptAsync();
        Assert.Equal("* BYE Autologout; no login in time", await t.LineAsync(TimeSpan.FromSeconds(20)));
        Assert.True(await t.ClosedAsync());
    }

    [Fact]
    public async Task A_multiappend_that_fails_midway_leaves_no_message_behind()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        var message = "Subject: part of a batch\r\n\r\nbody\r\n";
        var bodies = 0;
        host.Faults.Block = name => name.Contains("/" + user + "/msg/", StringComparison.Ordinal) && Interlocked.Increment(ref bodies) > 1;
        try
        {
            await t.SendAsync($"a1 APPEND INBOX {{{message.Length}+}}\r\n{message} {{{message.Length}+}}\r\n{message}\r\n");
            Assert.StartsWith("a1 NO [UNAVAILABLE]", (await t.UntilTaggedAsync("a1"))[^1]);
        }
        finally
        {
            host.Faults.Block = null;
        }

        Assert.Contains("* 0 EXISTS", await t.CommandAsync("a2", "SELECT INBOX"));
    }

    [Fact]
    public async Task A_malformed_append_saves_nothing_and_leaves_nothing_for_the_next_one()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        await t.SendAsync("a1 APPEND INBOX {5+}\r\nhello (\r\n");
        Assert.StartsWith("a1 BAD", (await t.UntilTaggedAsync("a1"))[^1]);
        await t.SendAsync("a2 APPEND INBOX {3+}\r\nabc\r\n");
        Assert.Matches(@"^a2 OK \[APPENDUID \d+ 1\] APPEND completed$", (await t.UntilTaggedAsync("a2"))[^1]);
        Assert.Contains("* 1 EXISTS", await t.CommandAsync("a3", "SELECT INBOX"));
    }
}
