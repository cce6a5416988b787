using System.Globalization;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>CONDSTORE and QRESYNC (RFC 7162), from the RFC's own examples and their error paths, and with MailKit.</summary>
[Collection(ImapHostCollection.Name)]
public sealed partial class CondStoreTests(ImapHost host)
{
    private async Task<(string User, ImapTranscript T)> MailboxAsync(int messages)
    {
        var user = host.NewUser();
        for (var i = 0; i < messages; i++)
        {
            Assert.StartsWith("250", await host.DeliverAsync(user, ImapHost.Message($"m{i}")));
        }

        var t = await host.TranscriptAsync();
        Assert.StartsWith("a0 OK", (await t.CommandAsync("a0", $"LOGIN {user} secret"))[^1]);
        return (user, t);
    }

    private static ulong HighestModSeq(IEnumerable<string> lines) =>
        ulong.Parse(lines.Select(l => HighestRegex().Match(l)).First(m => m.Success).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\[HIGHESTMODSEQ (\d+)\]")]
    private static partial Regex HighestRegex();

    [Fact]
    public async Task Enable_select_condstore_and_conditional_store()
    {
        var (_, t) = await MailboxAsync(3);
        await using var _ = t;
        Assert.Contains("CONDSTORE", (await t.CommandAsync("a1", "CAPABILITY"))[0]);
        Assert.Equal(["* ENABLED CONDSTORE", "a2 OK ENABLE completed"], await t.CommandAsync("a2", "ENABLE CONDSTORE"));
        Assert.Equal(["* ENABLED", "a3 OK ENABLE completed"], await t.CommandAsync("a3", "ENABLE CONDSTORE X-UNKNOWN"));
        var select = await t.CommandAsync("a4", "SELECT INBOX (CONDSTORE)");
        var highest = HighestModSeq(select);

        // RFC 7162 §3.1.3 example: the first STORE wins, a STORE based on the old modseq is refused as [MODIFIED].
        var first = await t.CommandAsync("a5", $"STORE 1 (UNCHANGEDSINCE {highest}) +FLAGS (\\Seen)");
        Assert.Matches(@"^\* 1 FETCH \(UID 1 FLAGS \(\\Seen \\Recent\) MODSEQ \(\d+\)\)$", first[0]);
        Assert.Equal("a5 OK STORE completed", first[^1]);
        Assert.Equal(["a6 OK [MODIFIED 1] Conditional STORE failed for some messages"], await t.CommandAsync("a6", $"STORE 1 (UNCHANGEDSINCE {highest}) +FLAGS (\\Flagged)"));
        Assert.Equal(["a7 OK [MODIFIED 2:3] Conditional STORE failed for some messages"], await t.CommandAsync("a7", "UID STORE 2:3 (UNCHANGEDSINCE 0) +FLAGS (\\Flagged)"));

        // .SILENT still reports the new MODSEQ of what changed.
        var silent = await t.CommandAsync("a8", "STORE 2 +FLAGS.SILENT (\\Answered)");
        Assert.Matches(@"^\* 2 FETCH \(UID 2 MODSEQ \(\d+\)\)$", silent[0]);

        // CHANGEDSINCE: only what changed after the modseq, with MODSEQ.
        var changed = await t.CommandAsync("a9", $"FETCH 1:* (FLAGS) (CHANGEDSINCE {highest})");
        Assert.Equal(3, changed.Count);
        Assert.All(changed.SkipLast(1), l => Assert.Contains("MODSEQ (", l));
        Assert.DoesNotContain(changed, l => l.StartsWith("* 3 ", StringComparison.Ordinal));

        var status = await t.CommandAsync("b1", "STATUS INBOX (HIGHESTMODSEQ MESSAGES)");
        Assert.True(HighestModSeq([status[0].Replace("(HIGHESTMODSEQ", "[HIGHESTMODSEQ", StringComparison.Ordinal).Replace(" MESSAGES", "] MESSAGES", StringComparison.Ordinal)]) > highest);

        var search = await t.CommandAsync("b2", $"SEARCH MODSEQ {highest + 1}");
        Assert.Matches(@"^\* SEARCH 1 2 \(MODSEQ \d+\)$", search[0]);
        Assert.StartsWith("b3 BAD", (await t.CommandAsync("b3", "FETCH 1 FLAGS (CHANGEDSINCE x)"))[^1]);
    }

    [Fact]
    public async Task Select_with_qresync_reports_vanished_earlier_and_changes_since_the_clients_modseq()
    {
        var (user, t) = await MailboxAsync(6);
        await using var _ = t;
        Assert.StartsWith("a1 BAD", (await t.CommandAsync("a1", "SELECT INBOX (QRESYNC (1 1))"))[^1]); // not enabled yet
        Assert.Equal(["* ENABLED QRESYNC", "a2 OK ENABLE completed"], await t.CommandAsync("a2", "ENABLE QRESYNC"));
        var select = await t.CommandAsync("a3", "SELECT INBOX");
        var validity = uint.Parse(Regex.Match(string.Join('\n', select), @"UIDVALIDITY (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var before = HighestModSeq(select);
        await t.CommandAsync("a4", "LOGOUT");

        // Another client changes flags on 2, expunges 3 and 5, and a new message arrives.
        await using (var other = await host.TranscriptAsync())
        {
            await other.CommandAsync("b0", $"LOGIN {user} secret");
            await other.CommandAsync("b1", "SELECT INBOX");
            await other.CommandAsync("b2", "UID STORE 2 +FLAGS.SILENT (\\Flagged)");
            await other.CommandAsync("b3", "UID STORE 3,5 +FLAGS.SILENT (\\Deleted)");
            await other.CommandAsync("b4", "EXPUNGE");
        }

        await host.DeliverAsync(user, ImapHost.Message("new"));
        await using var again = await host.TranscriptAsync();
        await again.CommandAsync("c0", $"LOGIN {user} secret");
        await again.CommandAsync("c1", "ENABLE QRESYNC");
        var resync = await again.CommandAsync("c2", $"SELECT INBOX (QRESYNC ({validity} {before} 1:6))");
        Assert.Contains("* VANISHED (EARLIER) 3,5", resync);
        Assert.Contains(resync, l => Regex.IsMatch(l, @"^\* 2 FETCH \(UID 2 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$"));
        Assert.Contains(resync, l => Regex.IsMatch(l, @"^\* 5 FETCH \(UID 7 FLAGS \(\\Recent\) MODSEQ \(\d+\)\)$"));
        Assert.Contains("* 5 EXISTS", resync);
        var after = HighestModSeq(resync);
        Assert.True(after > before);

        // Known UIDs limit the report; UID FETCH ... (CHANGEDSINCE m VANISHED) gives the same answer.
        var fetch = await again.CommandAsync("c3", $"UID FETCH 1:* FLAGS (CHANGEDSINCE {before} VANISHED)");
        Assert.Equal("* VANISHED (EARLIER) 3,5", fetch[0]);
        Assert.StartsWith("c4 BAD", (await again.CommandAsync("c4", "FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)"))[^1]);

        // A wrong UIDVALIDITY gets no resync data; a new SELECT first closes the old mailbox with [CLOSED].
        var wrong = await again.CommandAsync("c5", $"EXAMINE INBOX (QRESYNC ({validity + 1} {before}))");
        Assert.Equal("* OK [CLOSED] Previous mailbox closed", wrong[0]);
        Assert.DoesNotContain(wrong, l => l.Contains("VANISHED", StringComparison.Ordinal));

        // With QRESYNC on, expunges are reported as VANISHED and the answer carries the new HIGHESTMODSEQ.
        await again.CommandAsync("c6", "SELECT INBOX");
        await again.CommandAsync("c7", "UID STORE 1 +FLAGS.SILENT (\\Deleted)");
        var expunge = await again.CommandAsync("c8", "EXPUNGE");
        Assert.Equal("* VANISHED 1", expunge[0]);
        Assert.Matches(@"^c8 OK \[HIGHESTMODSEQ \d+\] EXPUNGE completed$", expunge[^1]);
    }

    [Fact]
    public async Task MailKit_resynchronises_with_qresync_after_other_sessions_changed_the_mailbox()
    {
        var user = host.NewUser();
        for (var i = 0; i < 8; i++)
        {
            await host.DeliverAsync(user, ImapHost.Message($"q{i}"));
        }

        uint validity;
        ulong modSeq;
        IList<UniqueId> known;
        using (var client = await host.ConnectAsync(user))
        {
            await client.EnableQuickResyncAsync();
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
            validity = client.Inbox.UidValidity;
            modSeq = client.Inbox.HighestModSeq;
            known = await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.All);
            await client.DisconnectAsync(true);
        }

        using (var other = await host.ConnectAsync(user))
        {
            await other.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await other.Inbox.AddFlagsAsync(new UniqueId(4), MessageFlags.Seen | MessageFlags.Flagged, true);
            await other.Inbox.AddFlagsAsync([new UniqueId(2), new UniqueId(7)], MessageFlags.Deleted, true);
            await other.Inbox.ExpungeAsync();
            await other.DisconnectAsync(true);
        }

        await host.DeliverAsync(user, ImapHost.Message("fresh"));
        using var resync = await host.ConnectAsync(user);
        await resync.EnableQuickResyncAsync();
        var vanished = new List<UniqueId>();
        var flagged = new Dictionary<uint, MessageFlags>();
        resync.Inbox.MessagesVanished += (_, e) => vanished.AddRange(e.UniqueIds);
        resync.Inbox.MessageFlagsChanged += (_, e) => flagged[e.UniqueId!.Value.Id] = e.Flags;
        await resync.Inbox.OpenAsync(FolderAccess.ReadWrite, validity, modSeq, known);
        Assert.Equal([2u, 7u], vanished.Select(u => u.Id).Order().ToArray());
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, flagged[4]);

        // The view the client rebuilt equals a fresh full listing.
        var rebuilt = known.Select(u => u.Id).Except(vanished.Select(u => u.Id)).ToList();
        var full = (await resync.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId)).Select(s => s.UniqueId.Id).ToList();
        Assert.Equal(rebuilt.Append(9u), full);
        Assert.True(resync.Inbox.HighestModSeq > modSeq);
    }

    [Fact]
    public async Task Esearch_searchres_within_objectid_savedate_list_status_and_status_size()
    {
        var (_, t) = await MailboxAsync(5);
        await using var _ = t;
        var caps = (await t.CommandAsync("a1", "CAPABILITY"))[0];
        foreach (var cap in new[] { "ESEARCH", "SEARCHRES", "WITHIN", "LIST-STATUS", "STATUS=SIZE", "OBJECTID", "SAVEDATE" })
        {
            Assert.Contains(" " + cap, caps);
        }

        var select = await t.CommandAsync("a2", "SELECT INBOX");
        Assert.Contains(select, l => Regex.IsMatch(l, @"^\* OK \[MAILBOXID \(F[0-9a-f]{32}\)\]"));
        await t.CommandAsync("a3", "STORE 2,4 +FLAGS.SILENT (\\Flagged)");

        // RFC 4731 ESEARCH: RETURN (MIN MAX COUNT ALL), and RETURN () means ALL.
        Assert.Equal("* ESEARCH (TAG \"a4\") MIN 2 MAX 4 ALL 2,4 COUNT 2", (await t.CommandAsync("a4", "SEARCH RETURN (MIN MAX COUNT ALL) FLAGGED"))[0]);
        Assert.Equal("* ESEARCH (TAG \"a5\") UID ALL 1:5", (await t.CommandAsync("a5", "UID SEARCH RETURN () ALL"))[0]);
        Assert.Equal("* ESEARCH (TAG \"a6\") COUNT 0", (await t.CommandAsync("a6", "SEARCH RETURN (COUNT) DELETED"))[0]);

        // RFC 5182 SEARCHRES: SAVE alone answers nothing; "$" then names the saved messages.
        Assert.Equal(["a7 OK SEARCH completed"], await t.CommandAsync("a7", "SEARCH RETURN (SAVE) FLAGGED"));
        Assert.Equal(["* 2 FETCH (UID 2)", "* 4 FETCH (UID 4)", "a8 OK FETCH completed"], await t.CommandAsync("a8", "FETCH $ (UID)"));
        Assert.Equal("* SEARCH 4", (await t.CommandAsync("a9", "SEARCH $ UID 3:*"))[0]);

        // RFC 5032 WITHIN: everything arrived seconds ago.
        Assert.Equal("* SEARCH 1 2 3 4 5", (await t.CommandAsync("b1", "SEARCH YOUNGER 3600"))[0]);
        Assert.Equal("* SEARCH", (await t.CommandAsync("b2", "SEARCH OLDER 3600"))[0]);

        // RFC 8474 OBJECTID and RFC 8514 SAVEDATE; a copy keeps its EMAILID.
        var ids = await t.CommandAsync("b3", "FETCH 1 (EMAILID THREADID SAVEDATE)");
        var match = Regex.Match(ids[0], @"^\* 1 FETCH \(EMAILID \((M[0-9a-f]{32})\) THREADID NIL SAVEDATE ""[ 0-9]{2}-[A-Z][a-z]{2}-\d{4} [0-9:]{8} \+0000""\)$");
        Assert.True(match.Success, ids[0]);
        await t.CommandAsync("b4", "CREATE Copies");
        await t.CommandAsync("b5", "COPY 1 Copies");
        Assert.Equal("* SEARCH 1 2 3 4 5", (await t.CommandAsync("b6", "SEARCH SAVEDSINCE 1-Jan-2020"))[0]);

        // RFC 5819 LIST-STATUS and RFC 8438 STATUS=SIZE.
        var list = await t.CommandAsync("b7", "LIST \"\" \"*\" RETURN (STATUS (MESSAGES SIZE MAILBOXID))");
        var copies = list.IndexOf("* LIST (\\HasNoChildren) \"/\" Copies");
        Assert.True(copies >= 0, string.Join("\n", list));
        Assert.Matches(@"^\* STATUS Copies \(MESSAGES 1 SIZE \d+ MAILBOXID \(F[0-9a-f]{32}\)\)$", list[copies + 1]);
        await t.CommandAsync("b8", "SELECT Copies");
        Assert.Contains(match.Groups[1].Value, (await t.CommandAsync("b9", "FETCH 1 EMAILID"))[0]);
    }

    [Fact]
    public async Task An_idling_session_keeps_up_when_its_user_grain_is_reactivated_under_it()
    {
        var (user, t) = await MailboxAsync(2);
        await using var _ = t;
        await t.CommandAsync("a1", "ENABLE QRESYNC");
        await t.CommandAsync("a2", "SELECT INBOX");
        await t.SendAsync("a3 IDLE\r\n");
        Assert.Equal("+ idling", await t.LineAsync());

        // The activation the session subscribed to goes away; the next one has never heard of the session.
        await host.Grains.GetGrain<OrleansMail.Grains.Contracts.IUserGrain>(user).DeactivateAsync();
        await host.DeliverAsync(user, ImapHost.Message("after reactivation"));
        await using (var other = await host.TranscriptAsync())
        {
            await other.CommandAsync("b0", $"LOGIN {user} secret");
            await other.CommandAsync("b1", "SELECT INBOX");
            await other.CommandAsync("b2", "UID STORE 1 +FLAGS.SILENT (\\Deleted)");
            await other.CommandAsync("b3", "EXPUNGE");
        }

        // The session's own periodic look (observers are not durable) brings both changes, as QRESYNC wants them.
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!(seen.Contains("* VANISHED 1") && seen.Contains("* 2 EXISTS")))
        {
            try
            {
                seen.Add(await t.LineAsync(deadline - DateTime.UtcNow));
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("the idling session heard only: " + string.Join(" | ", seen));
            }
        }

        await t.SendAsync("DONE\r\n");
        Assert.Equal("a3 OK IDLE terminated", (await t.UntilTaggedAsync("a3"))[^1]);
        Assert.Equal(["* 1 FETCH (UID 2)", "* 2 FETCH (UID 3)", "a4 OK FETCH completed"], await t.CommandAsync("a4", "FETCH 1:* (UID)"));
    }
}
