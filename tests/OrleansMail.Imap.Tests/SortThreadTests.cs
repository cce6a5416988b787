using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>SORT and THREAD (RFC 5256) over a real socket: raw transcripts from the RFC, then MailKit as a client uses them.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class SortThreadTests(ImapHost host)
{
    private static string Message(string id, string subject, string from, string date, string? references = null, string to = "Someone <someone@example.org>") =>
        $"From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}@example.org>\r\n"
        + (references is null ? "" : $"References: {references}\r\nIn-Reply-To: {references.Split(' ')[^1]}\r\n")
        + "\r\nText.\r\n";

    /// <summary>Five messages: a thread of three (delivered out of order), a lone one, a reply to a message never received.</summary>
    private async Task<string> MailboxAsync()
    {
        var user = host.NewUser();
        string[] messages =
        [
            Message("b", "Re: Plans", "Carol <carol@example.org>", "Tue, 3 Nov 2026 12:00:00 +0000", "<a@example.org>"),
            Message("a", "Plans", "Bob <bob@example.org>", "Tue, 3 Nov 2026 10:00:00 +0000"),
            Message("z", "[team] Budget", "=?UTF-8?Q?=C3=81lvaro?= <alvaro@example.org>", "Mon, 2 Nov 2026 09:00:00 -0500", to: "Zed <aaa@example.org>"),
            Message("c", "Re: Re: Plans", "alice@example.org", "Tue, 3 Nov 2026 11:00:00 -0200", "<a@example.org> <b@example.org>"),
            Message("orphan", "Re: Lost", "Dave <dave@example.org>", "not a date", "<gone@example.org>"),
        ];
        foreach (var message in messages)
        {
            Assert.StartsWith("250", await host.DeliverAsync(user, message));
        }

        return user;
    }

    [Fact]
    public async Task Sort_orders_by_each_criterion_and_reverse_and_answers_uids_for_uid_sort()
    {
        var user = await MailboxAsync();
        await using var t = await host.LoggedInAsync(user);
        Assert.Contains("SORT", (await t.CommandAsync("a1", "CAPABILITY"))[0]);
        await t.CommandAsync("a2", "SELECT INBOX");

        // Base subjects: Budget (3), Lost (5), Plans (1 2 4): ties stay in mailbox order.
        Assert.Equal("* SORT 3 5 1 2 4", (await t.CommandAsync("a3", "SORT (SUBJECT) UTF-8 ALL"))[0]);

        // Sent dates in UTC: 3 (14:00 Nov 2), 2 (10:00), 1 (12:00), 4 (13:00); 5's date does not parse, so its arrival counts.
        var byDate = (await t.CommandAsync("a4", "SORT (DATE) UTF-8 ALL"))[0];
        Assert.StartsWith("* SORT 3 2 1 4", byDate);
        Assert.Equal("* SORT " + string.Join(' ', byDate["* SORT ".Length..].Split(' ').Reverse()), (await t.CommandAsync("a5", "SORT (REVERSE DATE) UTF-8 ALL"))[0]);

        // FROM is the first address's mailbox: alice, alvaro, bob, carol, dave.
        Assert.Equal("* SORT 4 3 2 1 5", (await t.CommandAsync("a6", "SORT (FROM) UTF-8 ALL"))[0]);

        // DISPLAYFROM is the decoded display name, or the address without one (RFC 5957): alice@…, Álvaro, Bob, Carol, Dave.
        Assert.Equal("* SORT 4 3 2 1 5", (await t.CommandAsync("a7", "SORT (DISPLAYFROM) UTF-8 ALL"))[0]);

        // Several criteria, a search program, and the UID form.
        Assert.Equal("* SORT 4 2 1", (await t.CommandAsync("a8", "UID SORT (SUBJECT REVERSE ARRIVAL) UTF-8 SUBJECT plans"))[0]);
        Assert.Equal("* SORT", (await t.CommandAsync("a9", "SORT (SIZE) UTF-8 SUBJECT nothing-like-this"))[0]);
        Assert.Equal("b1 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset", (await t.CommandAsync("b1", "SORT (SIZE) KOI8-R ALL"))[^1]);
        Assert.StartsWith("b2 BAD", (await t.CommandAsync("b2", "SORT (REVERSE) UTF-8 ALL"))[^1]);
        Assert.StartsWith("b3 BAD", (await t.CommandAsync("b3", "SORT () UTF-8 ALL"))[^1]);
        Assert.StartsWith("b4 BAD", (await t.CommandAsync("b4", "SORT (COLOUR) UTF-8 ALL"))[^1]);
    }

    [Fact]
    public async Task Esort_returns_first_last_all_in_sort_order_and_count_as_dovecot_does()
    {
        // Compared with Dovecot 2.3 on the same five messages: MIN and MAX follow the sort order, ALL keeps it.
        var user = await MailboxAsync();
        await using var t = await host.LoggedInAsync(user);
        Assert.Contains("ESORT", (await t.CommandAsync("a1", "CAPABILITY"))[0]);
        await t.CommandAsync("a2", "SELECT INBOX");
        Assert.Equal("* ESEARCH (TAG \"a3\") MIN 3 MAX 5 ALL 3,2,1,4:5 COUNT 5", (await t.CommandAsync("a3", "SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL"))[0]);
        Assert.Equal("* ESEARCH (TAG \"a4\") UID MIN 5 MAX 3", (await t.CommandAsync("a4", "UID SORT RETURN (MIN MAX) (REVERSE DATE) UTF-8 ALL"))[0]);
        Assert.Equal("* ESEARCH (TAG \"a5\") ALL 3,5,1:2,4", (await t.CommandAsync("a5", "SORT RETURN () (SUBJECT) UTF-8 ALL"))[0]);
        Assert.Equal("* ESEARCH (TAG \"a6\") COUNT 0", (await t.CommandAsync("a6", "SORT RETURN (COUNT) (SUBJECT) UTF-8 SUBJECT nothing"))[0]);
        Assert.Equal("* ESEARCH (TAG \"a7\")", (await t.CommandAsync("a7", "SORT RETURN (ALL) (SUBJECT) UTF-8 SUBJECT nothing"))[0]);

        // SEARCHRES (RFC 5182 §2.1) as Dovecot answers it: SAVE alone says nothing and saves all; with MIN or MAX
        // only, it saves those, the first and last in sort order.
        Assert.Equal(["a8 OK SORT completed"], await t.CommandAsync("a8", "SORT RETURN (SAVE) (SUBJECT) UTF-8 ALL"));
        Assert.Equal("* SEARCH 1 2 3 4 5", (await t.CommandAsync("a9", "SEARCH $"))[0]);
        Assert.Equal("* ESEARCH (TAG \"b1\") MAX 4", (await t.CommandAsync("b1", "SORT RETURN (SAVE MAX) (SUBJECT) UTF-8 ALL"))[0]);
        Assert.Equal("* SEARCH 4", (await t.CommandAsync("b2", "SEARCH $"))[0]);
        Assert.Equal("* ESEARCH (TAG \"b3\") MIN 1", (await t.CommandAsync("b3", "SEARCH RETURN (SAVE MIN) ALL"))[0]);
        Assert.Equal("* SEARCH 1", (await t.CommandAsync("b4", "SEARCH $"))[0]);
    }

    [Fact]
    public async Task Partial_pages_through_search_and_sort_results_from_either_end()
    {
        // RFC 9394: positions are 1-based; negative ranges count from the last result; a page past the end is NIL.
        var user = await MailboxAsync();
        await using var t = await host.LoggedInAsync(user);
        Assert.Contains("PARTIAL", (await t.CommandAsync("a1", "CAPABILITY"))[0]);
        await t.CommandAsync("a2", "SELECT INBOX");
        Assert.Equal("* ESEARCH (TAG \"a3\") UID PARTIAL (1:2 1:2)", (await t.CommandAsync("a3", "UID SEARCH RETURN (PARTIAL 1:2) ALL"))[0]);
        Assert.Equal("* ESEARCH (TAG \"a4\") PARTIAL (-1:-2 4:5) COUNT 5", (await t.CommandAsync("a4", "SEARCH RETURN (PARTIAL -1:-2 COUNT) ALL"))[0]);
        Assert.Equal("* ESEARCH (TAG \"a5\") PARTIAL (6:9 NIL)", (await t.CommandAsync("a5", "SEARCH RETURN (PARTIAL 6:9) ALL"))[0]);

        // In sort order (by date: 3 2 1 4 5), the page keeps it.
        Assert.Equal("* ESEARCH (TAG \"a6\") PARTIAL (2:4 2,1,4)", (await t.CommandAsync("a6", "SORT RETURN (PARTIAL 2:4) (DATE) UTF-8 ALL"))[0]);
        Assert.StartsWith("a7 BAD", (await t.CommandAsync("a7", "SEARCH RETURN (PARTIAL 0:3) ALL"))[^1]);
        Assert.StartsWith("a8 BAD", (await t.CommandAsync("a8", "SEARCH RETURN (PARTIAL 1:-3) ALL"))[^1]);
        Assert.StartsWith("a9 BAD", (await t.CommandAsync("a9", "SEARCH RETURN (PARTIAL) ALL"))[^1]);
    }

    [Fact]
    public async Task Thread_references_and_orderedsubject_from_the_summaries()
    {
        var user = await MailboxAsync();
        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a1", "SELECT INBOX");

        // REFERENCES: a → b → c by ids (2 1 4), whatever the order of arrival; the orphan alone; threads by date.
        Assert.Equal("* THREAD (3)(2 1 4)(5)", (await t.CommandAsync("a2", "THREAD REFERENCES UTF-8 ALL"))[0]);

        // ORDEREDSUBJECT: the first message of a base subject (by date) is the parent, the rest its children.
        Assert.Equal("* THREAD (3)(2 (1)(4))(5)", (await t.CommandAsync("a3", "THREAD ORDEREDSUBJECT UTF-8 ALL"))[0]);
        Assert.Equal("* THREAD (2 1 4)", (await t.CommandAsync("a4", "UID THREAD REFERENCES UTF-8 SUBJECT plans"))[0]);
        Assert.StartsWith("a5 BAD", (await t.CommandAsync("a5", "THREAD FRIENDS UTF-8 ALL"))[^1]);
    }

    [Fact]
    public async Task MailKit_sorts_and_threads_on_the_server()
    {
        var user = await MailboxAsync();
        using var client = await host.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Sort));
        Assert.Contains("REFERENCES", client.ThreadingAlgorithms.Select(a => a.ToString().ToUpperInvariant()));
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var sorted = await client.Inbox.SortAsync(SearchQuery.All, [OrderBy.ReverseArrival]);
        Assert.Equal([5u, 4, 3, 2, 1], sorted.Select(u => u.Id));
        var threads = await client.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.All);
        var plans = Assert.Single(threads, th => th.UniqueId?.Id == 2);
        Assert.Equal(1u, Assert.Single(plans.Children).UniqueId?.Id);
        Assert.Equal(4u, Assert.Single(Assert.Single(plans.Children).Children).UniqueId?.Id);
        await client.DisconnectAsync(true);
    }
}
